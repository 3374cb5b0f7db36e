/**
 * Actions as MCP tools and prompts: everything a tool says of itself comes from its action (name,
 * title, description, input and output schemas, annotations), so a new action folder is a new
 * tool; and a tool call's arguments as the action takes its input.
 */
import { RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server'
import type { Prompt, Tool } from '@modelcontextprotocol/server'
import type { Action, ActionPrompt } from '../../plugins/app/actions.js'
import { quoted } from '../../lib/errors.js'
import { type HostSettings, annotationsOf, toolHostFields } from './host-meta.js'

type JsonSchema = Record<string, unknown>

/**
 * The schema in the form every model dialect takes: plain JSON (TypeBox adds symbols of its own),
 * and `T | null` as `anyOf` instead of a type array (`["object", "null"]`), which some clients
 * refuse. The OpenAPI document keeps the compact form: both come from the same TypeBox schema.
 */
export function portableSchema (schema: unknown): JsonSchema {
  return portable(JSON.parse(JSON.stringify(schema)))
}

function portable (schema: unknown): any {
  if (Array.isArray(schema)) return schema.map(portable)
  if (schema === null || typeof schema !== 'object') return schema
  const entries = Object.entries(schema).map(([key, value]) => [key, portable(value)])
  const result: JsonSchema = Object.fromEntries(entries)
  const { type } = result
  if (!Array.isArray(type)) return result
  const { description, enum: values, ...rest } = result
  const alternatives = type.map(one => one === 'null'
    ? { type: 'null' }
    : { ...rest, type: one, ...(Array.isArray(values) ? { enum: values.filter(value => value !== null) } : {}) })
  return { ...(description !== undefined ? { description } : {}), anyOf: alternatives }
}

/** The MCP Apps resource type: an HTML page for the host to show in a sandboxed frame. */
export const VIEW_MIME_TYPE = RESOURCE_MIME_TYPE

export function toolOf (action: Action, settings: HostSettings): Tool {
  return {
    name: action.toolName,
    title: action.title,
    description: action.description,
    inputSchema: portableSchema(action.input) as Tool['inputSchema'],
    outputSchema: portableSchema(action.output) as Tool['outputSchema'],
    annotations: annotationsOf(action),
    ...toolHostFields(action, settings)
  }
}

export function promptOf ({ name, title, description, arguments: choices }: ActionPrompt): Prompt {
  return { name, title, description, arguments: choices.map(choice => ({ name: choice.name, description: choice.description, required: false })) }
}

/** The prompt's arguments as its choices, or the first value given that is not one of them, said in a sentence. */
export function choicesOf (prompt: ActionPrompt, args: Record<string, string> = {}): { choices: Record<string, string> } | { problem: string } {
  const choices: Record<string, string> = {}
  for (const { name, values, fallback } of prompt.arguments) {
    const given = args[name]?.trim().toLowerCase()
    if (given !== undefined && given !== '' && !values.includes(given)) {
      return {
        problem: `${name} must be one of ${values.join(', ')} (got ${quoted(args[name])}).`
      }
    }
    choices[name] = given === undefined || given === '' ? fallback : given
  }
  return { choices }
}

/**
 * Tool arguments as the action's query would read them, had a GPT sent them in its URL: every value
 * as text, a list as a repeated parameter (so a list of one is that one value, and an empty list or
 * null is no parameter at all).
 */
export function queryOf (args: Record<string, unknown>): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {}
  for (const name of Object.keys(args)) {
    const value = args[name]
    if (value === undefined || value === null) continue
    if (!Array.isArray(value)) query[name] = typeof value === 'object' ? JSON.stringify(value) : String(value)
    else if (value.length > 0) query[name] = value.length === 1 ? String(value[0]) : value.map(String)
  }
  return query
}

/**
 * Arguments the tool's input schema does not list (their count is bounded before: ./refusals.ts).
 * Over HTTP an unknown query parameter is ignored, as the original service did; a tool call names
 * its arguments from the schema it was given, so an unknown one is a mistake to correct, not to
 * drop silently.
 */
export function unknownArguments (action: Action, args: Record<string, unknown>): string | undefined {
  const listed = action.input.properties as Record<string, unknown>
  const unknown = Object.keys(args).filter(name => !Object.hasOwn(listed, name))
  if (unknown.length === 0) return undefined
  const named = unknown.slice(0, 3).map(name => JSON.stringify(name.slice(0, 40))).join(', ')
  return `${action.toolName} has no argument ${named}${unknown.length > 3 ? ' and others' : ''}: its arguments are ${Object.keys(listed).join(', ')}. ` +
    'Send only those.'
}

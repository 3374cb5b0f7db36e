/**
 * Actions as MCP tools and prompts: everything a tool says of itself comes from its action (name,
 * title, description, input and output schemas, annotations), so a new action folder is a new tool.
 */
import { RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server'
import type { Prompt, Tool } from '@modelcontextprotocol/server'
import type { Action, ActionPrompt } from '../actions.js'
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

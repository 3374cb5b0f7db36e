/**
 * A tool call's and a prompt's arguments, checked and read as the tool's action and the prompt take them.
 */
import type { Action, ActionPrompt } from '../actions.js'
import { quoted } from '../../../lib/errors.js'

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
 * Arguments the tool's input schema does not list (their count is bounded before: routes/mcp/method-table.ts).
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

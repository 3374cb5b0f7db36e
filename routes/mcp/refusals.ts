/**
 * What the door refuses before the MCP SDK sees a message, in either revision: each with one line
 * that says what to send, as JSON-RPC -32602 (or -32600 for a batch), never -32603 or a dump of a
 * schema. The SDK checks the same shapes, but answers a wrong `prompts/get` or `resources/read`
 * with -32603 and a multi-line dump of its validation errors, and a message nested thousands of
 * levels deep with "Maximum call stack size exceeded".
 *
 * Every check here costs at most the message's size, which the body limit bounds (64 KB), and a
 * `tools/call` with more argument names than its tool lists is refused after counting one more
 * than the tool's names, whatever its size: the call is never built.
 */
import type { Action } from '../../plugins/app/actions.js'
import { INVALID_PARAMS, INVALID_REQUEST, isRequestId, jsonRpcError } from './json-rpc.js'

/** How deeply a message may nest (the envelope takes three levels; a tool's arguments the rest). */
export const MAX_DEPTH = 32

type Refusal = ReturnType<typeof jsonRpcError>
type Message = { id?: string | number, method?: unknown, params?: unknown }

const kindOf = (value: unknown): string =>
  value === undefined ? 'nothing' : value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)

/** Whether the value nests deeper than `max` levels (an iterative walk: no stack to overflow). */
function nestsDeeperThan (value: unknown, max: number): boolean {
  const stack: Array<[object, number]> = []
  if (value !== null && typeof value === 'object') stack.push([value, 1])
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [object, number]
    if (depth > max) return true
    for (const key in item) {
      const child = (item as Record<string, unknown>)[key]
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1])
    }
  }
  return false
}

/** More than `max` own names, counted no further than one past it. */
function hasMoreNamesThan (object: Record<string, unknown>, max: number): boolean {
  let count = 0
  for (const name in object) if (Object.hasOwn(object, name) && ++count > max) return true
  return false
}

/** The tools' argument names, to check a call against before anything is built from it. */
export type ToolNames = ReadonlyMap<string, readonly string[]>
export const toolNamesOf = (actions: readonly Action[]): ToolNames =>
  new Map(actions.map(action => [action.toolName, Object.keys(action.input.properties)]))

function paramsProblem (method: unknown, params: unknown, tools: ToolNames): string | undefined {
  switch (method) {
    case 'tools/call': {
      const example = `such as {"name":"${[...tools.keys()][0]}","arguments":{...}}`
      if (!isObject(params)) return `tools/call needs params with the tool's name and its arguments, ${example} (got ${kindOf(params)}).`
      if (typeof params.name !== 'string') return `tools/call needs params.name, the tool's name as a string, ${example} (got ${kindOf(params.name)}).`
      const args = params.arguments
      if (args === undefined) return undefined
      if (!isObject(args)) {
        return 'arguments must be an object of the tool\'s parameters by name, as its inputSchema lists them (got ' +
          `${args === null ? 'null' : Array.isArray(args) ? 'an array' : typeof args}).`
      }
      const names = tools.get(params.name)
      if (names !== undefined && hasMoreNamesThan(args, names.length)) {
        return `${params.name} takes at most ${names.length} arguments (${names.join(', ')}): send only those.`
      }
      return undefined
    }
    case 'prompts/get': {
      if (!isObject(params) || typeof params.name !== 'string') {
        return `prompts/get needs params.name, the prompt's name as a string (got ${kindOf(isObject(params) ? params.name : params)}).`
      }
      const args = params.arguments
      if (args === undefined) return undefined
      if (!isObject(args)) return `prompts/get arguments must be an object of strings by name (got ${kindOf(args)}).`
      for (const name in args) {
        if (typeof args[name] !== 'string') {
          return `prompts/get arguments are strings: give ${JSON.stringify(name.slice(0, 40))} as text (got ${kindOf(args[name])}).`
        }
      }
      return undefined
    }
    case 'resources/read':
      if (!isObject(params) || typeof params.uri !== 'string') {
        return 'resources/read needs params.uri, the resource\'s address as a string, as ' +
          `resources/list gives it (got ${kindOf(isObject(params) ? params.uri : params)}).`
      }
      return undefined
    default:
      return undefined
  }
}

/** The refusal of a message the door will not pass on, or undefined. */
export function refusalOf (body: unknown, tools: ToolNames): Refusal | undefined {
  if (Array.isArray(body)) {
    return jsonRpcError(INVALID_REQUEST, 'JSON-RPC batches are not supported (MCP removed them in revision 2025-06-18): send one message per POST.')
  }
  if (!isObject(body)) return undefined
  const message = body as Message
  const id = isRequestId(message.id) ? message.id : null
  if (isObject(message.params) && message.params._meta !== undefined && !isObject(message.params._meta)) {
    return jsonRpcError(INVALID_PARAMS, `params._meta must be an object of metadata by key (got ${kindOf(message.params._meta)}).`, id)
  }
  // The shape first: it refuses a call with too many names without walking them.
  const problem = paramsProblem(message.method, message.params, tools)
  if (problem !== undefined) return jsonRpcError(INVALID_PARAMS, problem, id)
  if (nestsDeeperThan(body, MAX_DEPTH)) {
    return jsonRpcError(INVALID_PARAMS, `The message nests more than ${MAX_DEPTH} levels deep: send the tool's ` +
      'arguments as its inputSchema describes them.', id)
  }
  return undefined
}

/**
 * Every method the door answers, written once: the revisions that have it, the params field naming
 * what it calls (Mcp-Name mirrors it, a span records it), and what its params must be: a message
 * that breaks it is refused (-32602, one line that says what to send) before anything is built from it.
 */
import type { Refusal } from '../../lib/errors.js'
import { rpcRefusals } from './json-rpc.js'

export type Revision = 'legacy' | 'modern'

export interface MethodSpec {
  revisions: readonly Revision[]
  /** The params field naming what the method calls, and the span attribute that records it. */
  target?: { field: 'name' | 'uri', attribute: string }
  /** What is wrong with the params, in one sentence a client can act on; undefined when nothing is. */
  paramsProblem?: (params: unknown, tools: ToolNames) => string | undefined
}

/** The tools' argument names, to check a call against before anything is built from it. */
export type ToolNames = ReadonlyMap<string, readonly string[]>

export const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)

/** A value's kind, as the door's messages say what they got. */
export const kindOf = (value: unknown): string =>
  value === undefined ? 'nothing' : value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`

/** More than `max` own names, counted no further than one past it. */
function hasMoreNamesThan (object: Record<string, unknown>, max: number): boolean {
  let count = 0
  for (const name in object) if (Object.hasOwn(object, name) && ++count > max) return true
  return false
}

function toolCallProblem (params: unknown, tools: ToolNames): string | undefined {
  const example = `such as {"name":"${[...tools.keys()][0]}","arguments":{...}}`
  if (!isObject(params)) return `tools/call needs params with the tool's name and its arguments, ${example} (got ${kindOf(params)}).`
  if (typeof params.name !== 'string') return `tools/call needs params.name, the tool's name as a string, ${example} (got ${kindOf(params.name)}).`
  const args = params.arguments
  if (args === undefined) return undefined
  if (!isObject(args)) return `arguments must be an object of the tool's parameters by name, as its inputSchema lists them (got ${kindOf(args)}).`
  // Refused after counting one more name than the tool has, whatever the call's size: it is never built.
  const names = tools.get(params.name)
  if (names !== undefined && hasMoreNamesThan(args, names.length)) return `${params.name} takes at most ${names.length} arguments (${names.join(', ')}): send only those.`
  return undefined
}

function promptProblem (params: unknown): string | undefined {
  if (!isObject(params) || typeof params.name !== 'string') {
    return `prompts/get needs params.name, the prompt's name as a string (got ${kindOf(isObject(params) ? params.name : params)}).`
  }
  const args = params.arguments
  if (args === undefined) return undefined
  if (!isObject(args)) return `prompts/get arguments must be an object of strings by name (got ${kindOf(args)}).`
  for (const name in args) {
    if (typeof args[name] !== 'string') return `prompts/get arguments are strings: give ${JSON.stringify(name.slice(0, 40))} as text (got ${kindOf(args[name])}).`
  }
  return undefined
}

function readProblem (params: unknown): string | undefined {
  if (isObject(params) && typeof params.uri === 'string') return undefined
  return 'resources/read needs params.uri, the resource\'s address as a string, as resources/list gives it ' +
    `(got ${kindOf(isObject(params) ? params.uri : params)}).`
}

const BOTH: readonly Revision[] = ['legacy', 'modern']

export const METHODS = {
  initialize: { revisions: ['legacy'] },
  ping: { revisions: ['legacy'] },
  'server/discover': { revisions: ['modern'] },
  'tools/list': { revisions: BOTH },
  'tools/call': { revisions: BOTH, target: { field: 'name', attribute: 'gen_ai.tool.name' }, paramsProblem: toolCallProblem },
  'prompts/list': { revisions: BOTH },
  'prompts/get': { revisions: BOTH, target: { field: 'name', attribute: 'gen_ai.prompt.name' }, paramsProblem: promptProblem },
  'resources/list': { revisions: BOTH },
  'resources/templates/list': { revisions: BOTH },
  'resources/read': { revisions: BOTH, target: { field: 'uri', attribute: 'mcp.resource.uri' }, paramsProblem: readProblem }
} as const satisfies Record<string, MethodSpec>

export type MethodName = keyof typeof METHODS

/** The method's entry, whatever a message names (undefined for what the door does not answer). */
export const specOf = (method: unknown): MethodSpec | undefined =>
  typeof method === 'string' && Object.hasOwn(METHODS, method) ? METHODS[method as MethodName] : undefined

/** Whether `revision` has the method. */
export const hasMethod = (method: string, revision: Revision): boolean => specOf(method)?.revisions.includes(revision) ?? false

/** How deeply a message may nest (the envelope takes three levels; a tool's arguments the rest). */
export const MAX_DEPTH = 32

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

/** The refusal of a message the door will not take as it is, or undefined. */
export function shapeRefusalOf (body: unknown, tools: ToolNames): Refusal | undefined {
  if (Array.isArray(body)) {
    return rpcRefusals.invalidRequest('JSON-RPC batches are not supported (MCP removed them in revision 2025-06-18): send one message per POST.')
  }
  if (!isObject(body)) return undefined
  const message = body as { method?: unknown, params?: unknown }
  if (isObject(message.params) && message.params._meta !== undefined && !isObject(message.params._meta)) {
    return rpcRefusals.invalidParams(`params._meta must be an object of metadata by key (got ${kindOf(message.params._meta)}).`)
  }
  // The shape first: it refuses a call with too many names without walking them.
  const problem = specOf(message.method)?.paramsProblem?.(message.params, tools)
  if (problem !== undefined) return rpcRefusals.invalidParams(problem)
  if (nestsDeeperThan(body, MAX_DEPTH)) {
    return rpcRefusals.invalidParams(`The message nests more than ${MAX_DEPTH} levels deep: send the tool's arguments as its inputSchema describes them.`)
  }
  return undefined
}

/**
 * What the door refuses before its envelope is checked, in either revision, with one line that says
 * what to send (-32602, or -32600 for a batch): a `_meta` that is no object, params a method cannot
 * take (./method-table.ts), a message nested too deep. Each check costs at most the body's size.
 */
import type { Refusal } from '../../lib/errors.js'
import { rpcRefusals } from './json-rpc.js'
import { type ToolNames, isObject, kindOf, specOf } from './method-table.js'

/** How deeply a message may nest (the envelope takes three levels; a tool's arguments the rest). */
export const MAX_DEPTH = 32

type Message = { id?: string | number, method?: unknown, params?: unknown }

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
  const message = body as Message
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

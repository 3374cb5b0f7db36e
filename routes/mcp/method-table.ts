/**
 * Every method the door answers, written once: the revisions that have it, the params field naming
 * what it calls (Mcp-Name mirrors it, a span records it), and its params' schema, whose parts say what
 * to send: a message that breaks it is refused (-32602, that one line) before anything is built from it.
 */
import { type TSchema, Type } from '@sinclair/typebox'
import type { ErrorObject } from 'ajv'
import { type Refusal, pointedAt, pointerKeys } from '../../lib/errors.js'
import { type StrictValidator, compileStrict } from '../../lib/strict-validator.js'
import { kindOf, rpcRefusals } from './json-rpc.js'

export type Revision = 'legacy' | 'modern'

export interface MethodSpec {
  revisions: readonly Revision[]
  /** The params field naming what the method calls, and the span attribute that records it. */
  target?: { field: 'name' | 'uri', attribute: string }
  /**
   * What its params must be, each part with the sentence that says what to send when it is not
   * (`problem`), and what no schema can say (`beyond`).
   */
  params?: { schema: TSchema, check: StrictValidator<unknown>, beyond?: (params: any, tools: ToolNames) => string | undefined }
}

/** The tools' argument names, to check a call against before anything is built from it. */
export type ToolNames = ReadonlyMap<string, readonly string[]>

/**
 * A method's params schema, checked as written; each part says in `problem` what to send, where
 * `{kind}` is what was there instead, `{key}` the name of the part and `{example}` a call of the first tool.
 */
const paramsOf = (method: string, schema: TSchema, beyond?: (params: any, tools: ToolNames) => string | undefined): MethodSpec['params'] =>
  ({ schema, check: compileStrict(`mcp params ${method}`, schema), beyond })

/** More than `max` own names, counted no further than one past it. */
function hasMoreNamesThan (object: Record<string, unknown>, max: number): boolean {
  let count = 0
  for (const name in object) if (Object.hasOwn(object, name) && ++count > max) return true
  return false
}

/** What no schema can say of a tool call: more arguments than the tool has (counted one past, never built). */
function tooManyArguments (params: { name: string, arguments?: Record<string, unknown> }, tools: ToolNames): string | undefined {
  const names = tools.get(params.name)
  if (params.arguments === undefined || names === undefined || !hasMoreNamesThan(params.arguments, names.length)) return undefined
  return `${params.name} takes at most ${names.length} arguments (${names.join(', ')}): send only those.`
}

const TOOL_NAME = "tools/call needs params.name, the tool's name as a string, {example} (got {kind})."
const PROMPT_NAME = "prompts/get needs params.name, the prompt's name as a string (got {kind})."
const INITIALIZE = 'initialize needs params with protocolVersion (a string), capabilities and clientInfo (objects), as MCP clients send them.'
const RESOURCE_URI = "resources/read needs params.uri, the resource's address as a string, as resources/list gives it (got {kind})."

const BOTH: readonly Revision[] = ['legacy', 'modern']

export const METHODS = {
  initialize: {
    revisions: ['legacy'],
    params: paramsOf('initialize', Type.Object({
      protocolVersion: Type.String({ problem: INITIALIZE }),
      capabilities: Type.Object({}, { problem: INITIALIZE }),
      clientInfo: Type.Object({}, { problem: INITIALIZE })
    }, { problem: INITIALIZE }))
  },
  ping: { revisions: ['legacy'] },
  'server/discover': { revisions: ['modern'] },
  'tools/list': { revisions: BOTH },
  'tools/call': {
    revisions: BOTH,
    target: { field: 'name', attribute: 'gen_ai.tool.name' },
    params: paramsOf('tools/call', Type.Object({
      name: Type.String({ problem: TOOL_NAME }),
      arguments: Type.Optional(Type.Object({}, {
        problem: "arguments must be an object of the tool's parameters by name, as its inputSchema lists them (got {kind})."
      }))
    }, { problem: "tools/call needs params with the tool's name and its arguments, {example} (got {kind})." }), tooManyArguments)
  },
  'prompts/list': { revisions: BOTH },
  'prompts/get': {
    revisions: BOTH,
    target: { field: 'name', attribute: 'gen_ai.prompt.name' },
    params: paramsOf('prompts/get', Type.Object({
      name: Type.String({ problem: PROMPT_NAME }),
      arguments: Type.Optional(Type.Object({}, {
        additionalProperties: Type.String({ problem: 'prompts/get arguments are strings: give {key} as text (got {kind}).' }),
        problem: 'prompts/get arguments must be an object of strings by name (got {kind}).'
      }))
    }, { problem: PROMPT_NAME }))
  },
  'resources/list': { revisions: BOTH },
  'resources/templates/list': { revisions: BOTH },
  'resources/read': {
    revisions: BOTH,
    target: { field: 'uri', attribute: 'mcp.resource.uri' },
    params: paramsOf('resources/read', Type.Object({ uri: Type.String({ problem: RESOURCE_URI }) }, { problem: RESOURCE_URI }))
  }
} as const satisfies Record<string, MethodSpec>

/** What is wrong with a method's params, in the sentence its schema gives the first part refused (Ajv keeps the first error only). */
export function paramsProblem (method: unknown, params: unknown, tools: ToolNames): string | undefined {
  const spec = specOf(method)?.params
  if (spec === undefined) return undefined
  const { schema, check, beyond } = spec
  if (check(params)) return beyond?.(params, tools)
  const error = (check.errors as ErrorObject[])[0]
  const { path, value } = pointedAt(error, params)
  // The part that failed: the one a `required` names, else the one whose keyword failed.
  const part = pointerKeys(error.schemaPath.slice(1)).slice(0, -1).reduce<any>((node, key) => node[key], schema)
  const failed = error.keyword === 'required' ? part.properties[path.at(-1) as string] : part
  return (failed.problem as string)
    .replace('{kind}', kindOf(value))
    .replace('{key}', JSON.stringify(String(path.at(-1)).slice(0, 40)))
    .replace('{example}', `such as {"name":"${[...tools.keys()][0]}","arguments":{...}}`)
}

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

/** The refusal of a method's params (-32602): the part its schema says to send, or nesting too deep. */
export function paramsRefusalOf (method: string, params: unknown, tools: ToolNames): Refusal | undefined {
  // The schema first: a call with too many names is refused without walking them.
  const problem = paramsProblem(method, params, tools)
  if (problem !== undefined) return rpcRefusals.invalidParams(problem)
  if (nestsDeeperThan(params, MAX_DEPTH - 1)) {
    return rpcRefusals.invalidParams(`The message nests more than ${MAX_DEPTH} levels deep: send the tool's arguments as its inputSchema describes them.`)
  }
  return undefined
}

/**
 * What an action is, and the registry every door asks: a route folder declares one with
 * `fastify.action({...})` (schema, names in the chat hosts, a handler from the checked input to the
 * answer), and gets its HTTP route, a thin door onto the one pipeline (./pipeline.ts).
 */
import { createRequire } from 'node:module'
import type { Static, TObject, TSchema } from '@sinclair/typebox'
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { madeAhead } from '../../lib/made-ahead.js'
import { type Caller, readPlayerHeader } from './caller.js'
import type { AjvError, Refusal } from '../../lib/errors.js'

/** A prompt argument: a choice among `values` (compared without case), `fallback` when not given. */
export interface PromptChoice {
  name: string
  description: string
  values: readonly string[]
  fallback: string
}

/** A prompt a person can pick in an MCP client's menu to start using an action. */
export interface ActionPrompt {
  name: string
  title: string
  description: string
  arguments: readonly PromptChoice[]
  /** The text of the user message the prompt starts with, from the chosen values. */
  text: (choices: Record<string, string>) => string
}

/**
 * An interactive view of the action's result for MCP Apps hosts (ChatGPT, Claude, ...): a page
 * built from `views/<name>/` into one HTML file, offered as the `ui://` resource `uri`.
 */
export interface ActionView {
  uri: `ui://${string}`
  /** The folder under views/ (and the file under dist/views/, without .html). */
  name: string
  title: string
  description: string
}

/**
 * The way a call came in: straight over HTTP (a GPT), as an MCP tool call, or from the board view
 * through an MCP Apps host (the view marks its calls, see plugins/app/mcp-catalog/view-call.ts).
 */
export type Door = 'http' | 'mcp' | 'view'

/** What a handler knows of its call besides the input. */
export interface ActionCall {
  door: Door
  caller: Caller
  /** The call's logger (the request's, or a tool call's own, which names the /mcp request). */
  log: FastifyBaseLogger
}

/** The schema an action declares: the route's, which the OpenAPI document shows as it is. */
export interface ActionSchema<Input extends TObject = TObject, Output extends TObject = TObject> {
  operationId: string
  summary: string
  description: string
  /** false lets the GPT offer "Always allow" (the action changes nothing outside the service). */
  'x-openai-isConsequential': boolean
  querystring?: Input
  body?: Input
  response: { 200: Output } & Record<number, TSchema>
}

/** How the action shows in chat hosts, beyond what its schema says. */
export interface ActionOptions {
  /** The MCP tool's name; by default the snake_case of the operationId. */
  tool?: string
  /** The tool result's text for models that do not read structured content; by default the answer as JSON. */
  text?: (answer: any) => string
  prompts?: ActionPrompt[]
  view?: ActionView
  /** The status lines a chat host shows while the tool runs and once it has answered (64 characters at most each). */
  status?: { invoking: string, invoked: string }
  /** How a chat model uses the action, and what a person may open with (see ActionGuide). */
  guide?: ActionGuide
}

/**
 * What a chat model is told to use the action, written once over the name each door calls it by
 * (a GPT's instructions: `humanMove`; an MCP server's instructions and a plugin's skill: `play_move`),
 * and the conversation starters a person may open with (a GPT's starters, a plugin's default prompts).
 */
export interface ActionGuide {
  instructions: (name: string) => string
  /** At most 128 characters each, no @mention: the first three are a plugin's default prompts. */
  starters: readonly string[]
  /** When a chat model should reach for the action: a plugin's skill says it (1,024 characters at most). */
  whenToUse?: string
  /**
   * What a plugin directory's reviewers try: prompts the action should answer, with what should
   * happen, and prompts it should leave alone (ChatGPT's first review takes five and three).
   */
  review?: { positive: readonly ReviewCase[], negative: readonly ReviewCase[] }
  /** Tool arguments that show the action's view at its best, one per starter: a plugin's screenshots. */
  examples?: ReadonlyArray<Record<string, unknown>>
}

export interface ReviewCase { description: string, prompt: string, expected_behavior: string }

export type ActionResult<Output> = Output | Refusal | Promise<Output | Refusal>

export interface ActionDefinition<Input extends TObject = TObject, Output extends TObject = TObject> extends ActionOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  url: string
  schema: ActionSchema<Input, Output>
  /**
   * Reads the input as a chat model writes it before it is checked (another case, stray spaces):
   * may change `input`; returns the problem in the API's words, or null.
   */
  normalize?: (input: Record<string, unknown>) => string | null
  /** The action itself: from the checked input to the answer, or a Refusal (lib/errors.ts). */
  handler: (input: Static<Input>, call: ActionCall) => ActionResult<Static<Output>>
  /** The answer as JSON text, for an action that keeps its own; by default the 200 schema's serializer. */
  serialize?: (answer: Static<Output>) => string
}

/** An action as the doors and the pipeline use it: its definition checked, its schemas compiled. */
export interface Action {
  method: ActionDefinition['method']
  url: string
  operationId: string
  toolName: string
  title: string
  description: string
  consequential: boolean
  /** Where the arguments go: the query string or a JSON body. */
  inputIn: 'query' | 'body'
  input: TObject
  output: TObject
  text: (answer: unknown) => string
  prompts: ActionPrompt[]
  view?: ActionView
  status: { invoking: string, invoked: string }
  guide: ActionGuide
  normalize?: ActionDefinition['normalize']
  /** Checks the input against its schema as Fastify would (coercing text to numbers, filling defaults), in place. */
  validate: ((input: unknown) => boolean) & { errors?: AjvError[] | null }
  handler: (input: any, call: ActionCall) => ActionResult<unknown>
  serialize: (answer: any) => string
}

/** ChatGPT shows at most 64 characters of a status line (OpenAI Apps SDK reference). */
export const STATUS_LINE_MAX = 64

declare module 'fastify' {
  interface FastifyInstance {
    /** Every action registered so far, in registration order. */
    actions: readonly Action[]
    /** Declares an action: adds it to the registry and serves it over HTTP at its URL. */
    action: <Input extends TObject, Output extends TObject>(definition: ActionDefinition<Input, Output>) => void
  }
}

export const snakeCase = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[-\s]+/g, '_').toLowerCase()

const defaultText = (answer: unknown): string => JSON.stringify(answer)

// Fastify's own compilers, with its defaults: the input is checked exactly as a route's schema
// would be, and the answer serialized as its response schema would be. Loaded only where the build
// did not compile them ahead of time (lib/made-ahead.ts): the built server loads neither.
const require = createRequire(import.meta.url)
interface Compilers {
  validator: ReturnType<ReturnType<typeof import('@fastify/ajv-compiler')>>
  serializer: ReturnType<ReturnType<typeof import('@fastify/fast-json-stringify-compiler').SerializerSelector>>
}
let compilers: Compilers | undefined
function fastifyCompilers (): Compilers {
  if (compilers === undefined) {
    const AjvCompiler = require('@fastify/ajv-compiler') as typeof import('@fastify/ajv-compiler')
    const { SerializerSelector } = require('@fastify/fast-json-stringify-compiler') as typeof import('@fastify/fast-json-stringify-compiler')
    compilers = { validator: AjvCompiler()({}, { customOptions: {} }), serializer: SerializerSelector()({}, {}) }
  }
  return compilers
}

/** The action a definition declares, or an error that tells its author what it still lacks. */
export function actionOf (definition: ActionDefinition): Action {
  const { method, url } = definition
  const schema = (definition.schema ?? {}) as Partial<ActionSchema> & Record<string, any>
  const where = `The action ${method} ${url}`
  for (const field of ['operationId', 'summary', 'description', 'x-openai-isConsequential'] as const) {
    if (schema[field] === undefined) throw new Error(`${where} needs schema.${field}.`)
  }
  const input = schema.body ?? schema.querystring
  if (input === undefined || input.type !== 'object' || input.properties === undefined) {
    throw new Error(`${where} needs an object schema with its ` +
      'properties for its querystring or body.')
  }
  const output = schema.response?.[200]
  if (output === undefined || output.type !== 'object') throw new Error(`${where} needs an object schema for its 200 response.`)
  const toolName = definition.tool ?? snakeCase(schema.operationId as string)
  const status = definition.status ?? { invoking: `Calling ${toolName}…`, invoked: `${toolName} answered` }
  const tooLong = Object.entries(status).find(([, line]) => line.length > STATUS_LINE_MAX)
  if (tooLong !== undefined) {
    throw new Error(`${where} has a status line (${tooLong[0]}) of ${tooLong[1].length} characters: chat hosts show at most ${STATUS_LINE_MAX}.`)
  }
  const inputIn = schema.body !== undefined ? 'body' : 'query'
  const httpPart = inputIn === 'body' ? 'body' : 'querystring'
  const validate = madeAhead(`${method} ${url} input`, { kind: 'fastify-validator', method, url, httpPart }, input,
    () => fastifyCompilers().validator({ schema: input, method, url, httpPart })) as Action['validate']
  const serialize = definition.serialize ?? madeAhead(`${method} ${url} answer`, { kind: 'fastify-serializer', method, url, httpStatus: '200' }, output,
    () => fastifyCompilers().serializer({ schema: output, method, url, httpStatus: '200' }))
  return {
    method,
    url,
    operationId: schema.operationId as string,
    toolName,
    title: schema.summary as string,
    description: schema.description as string,
    consequential: schema['x-openai-isConsequential'] === true,
    inputIn,
    input,
    output,
    text: definition.text ?? defaultText,
    prompts: definition.prompts ?? [],
    status,
    guide: definition.guide ?? {
      instructions: name => `Use ${name} when the person asks for what it does: ${schema.summary as string}. Its description says how to call it.`,
      starters: []
    },
    ...(definition.view !== undefined ? { view: definition.view } : {}),
    ...(definition.normalize !== undefined ? { normalize: definition.normalize } : {}),
    validate,
    handler: definition.handler as Action['handler'],
    serialize
  }
}

/**
 * Every action's guide as one door reads it: the instructions over the names that door calls the
 * actions by, one after the other, and the starters of all of them, in order.
 */
export function guideOf (actions: readonly Action[], nameOf: (action: Action) => string): { instructions: string, starters: string[] } {
  return {
    instructions: actions.map(action => action.guide.instructions(nameOf(action))).join('\n\n'),
    starters: actions.flatMap(action => action.guide.starters)
  }
}

// The pipeline checks the input and writes the answer for both doors: Fastify's own validation and
// serialization of these routes would only do the same work twice.
const checkedByThePipeline = () => () => true
const writtenByThePipeline = () => (data: unknown) => JSON.stringify(data)

export default fp(async fastify => {
  const actions: Action[] = []
  fastify.decorate('actions', actions)
  fastify.decorate('action', function (this: FastifyInstance, definition: ActionDefinition) {
    const action = actionOf(definition)
    const clash = actions.find(other => other.toolName === action.toolName || other.operationId === action.operationId)
    if (clash !== undefined) {
      throw new Error(`The action ${action.method} ${action.url} has the same name as ${clash.method} ${clash.url}: give it ` +
        'another operationId.')
    }
    actions.push(action)
    const { runAction, credentials } = this
    this.route({
      method: action.method,
      url: action.url,
      schema: definition.schema,
      // Counted by the pipeline's allowance, not by @fastify/rate-limit's hook for the other routes.
      config: { rateLimit: false },
      validatorCompiler: checkedByThePipeline,
      serializerCompiler: writtenByThePipeline,
      // The HTTP door: the player id of the GPT's header, then the credentials, before the pipeline.
      onRequest: credentials.required ? [readPlayerHeader, credentials.hook] : readPlayerHeader,
      // The input as the route received it, the outcome as an HTTP answer, logged and timed by
      // Fastify as the request's (plugins/external/metrics.ts, lib/logging.ts).
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const input = (action.inputIn === 'query' ? request.query : request.body) ?? {}
        const outcome = await runAction(action, request, input, { door: 'http', log: request.log, id: request.id })
        if (outcome.note !== undefined) request.refused = outcome.note
        const headers = outcome.refusal?.details.headers
        if (headers !== undefined) reply.headers(headers)
        return await reply.code(outcome.statusCode).type('application/json; charset=utf-8').send(outcome.json)
      }
    })
  } as FastifyInstance['action'])
}, { name: 'actions', fastify: '5.x', dependencies: ['pipeline', 'auth', 'caller-identity'] })

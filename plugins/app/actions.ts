/**
 * What an action is, in one place. An action is a route declared with `config: { action: true }`
 * (or an object of options) whose TypeBox schema names it (`operationId`, `summary`,
 * `description`), says whether it is consequential and describes its 200 answer. This plugin
 * collects the actions as routes are registered, so every door and every rule asks it instead of
 * reading the flag in its own way: the OpenAPI document lists them, the MCP door offers them as
 * tools, the API key guards them, and the rate limit counts them with the players' allowance.
 */
import { randomBytes } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { TSchema } from '@sinclair/typebox'
import type { FastifyContextConfig, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'

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

/** What a route may declare about itself beyond its schema (`config: { action: { ... } }`). */
export interface ActionOptions {
  /** The MCP tool's name; by default the snake_case of the operationId. */
  tool?: string
  /** The tool result's text for models that do not read structured content; by default the answer as JSON. */
  text?: (answer: any) => string
  prompts?: ActionPrompt[]
  view?: ActionView
  /** The status lines a chat host shows while the tool runs and once it has answered (64 characters at most each). */
  status?: { invoking: string, invoked: string }
}

export interface Action {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  url: string
  operationId: string
  toolName: string
  title: string
  description: string
  consequential: boolean
  /** Where the arguments go: the query string or a JSON body. */
  inputIn: 'query' | 'body'
  input: TSchema
  output: TSchema
  text: (answer: unknown) => string
  prompts: ActionPrompt[]
  view?: ActionView
  status: { invoking: string, invoked: string }
}

/** ChatGPT shows at most 64 characters of a status line (OpenAI Apps SDK reference). */
export const STATUS_LINE_MAX = 64

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Marks a route as an action: a call a GPT or an MCP client makes to play. */
    action?: true | ActionOptions
    /**
     * A door to the actions that is not an action itself (the MCP door): it asks for the key as
     * the actions do, and its messages name their player in their `_meta` (plugins/caller.ts).
     */
    door?: boolean
  }
  interface FastifyInstance {
    /** Every action registered so far, in registration order. */
    actions: readonly Action[]
  }
}

/**
 * The way a call came in: straight over HTTP (a GPT), as an MCP tool call, or from the board view
 * through an MCP Apps host. The MCP door marks the calls it makes with a header whose value holds a
 * secret of this process, so no caller can claim a door, and the id of the /mcp request that made
 * the call, so the call's log line names it.
 */
export type Door = 'http' | 'mcp' | 'view'
export const DOOR_HEADER = 'x-tictactoe-door'
const DOOR_SECRET = randomBytes(16).toString('hex')
const MARKS = { mcp: `mcp ${DOOR_SECRET} `, view: `view ${DOOR_SECRET} ` } as const
export const doorHeader = (door: Exclude<Door, 'http'>, requestId: string): string => `${MARKS[door]}${requestId}`

/** The door a call's headers show, and the /mcp request that made it when it came through one. */
export function doorMarkOf (headers: IncomingHttpHeaders): { door: Door, requestId?: string } {
  const mark = headers[DOOR_HEADER]
  if (typeof mark !== 'string') return { door: 'http' }
  for (const door of ['mcp', 'view'] as const) {
    if (mark.startsWith(MARKS[door])) return { door, requestId: mark.slice(MARKS[door].length) }
  }
  return { door: 'http' }
}

export const doorOf = (request: FastifyRequest): Door => doorMarkOf(request.headers).door

// Fastify builds `request.routeOptions` anew on each read: read once per check.
export const isAction = (request: FastifyRequest): boolean => request.routeOptions.config.action !== undefined

/** The API key (or a sign-in), when set, is asked of the actions and of the doors that lead to them. */
export const requiresKey = (config: FastifyContextConfig | undefined): boolean => config?.action !== undefined || config?.door === true

export const snakeCase = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[-\s]+/g, '_').toLowerCase()

const defaultText = (answer: unknown): string => JSON.stringify(answer)

/** The action a route declares, or an error that tells its author what the route still lacks. */
export function actionOf (route: RouteOptions): Action {
  const declared = route.config?.action
  const options: ActionOptions = declared === true || declared === undefined ? {} : declared
  const schema = (route.schema ?? {}) as Record<string, any>
  const method = (Array.isArray(route.method) ? route.method[0] : route.method) as Action['method']
  const where = `The action ${method} ${route.url}`
  for (const field of ['operationId', 'summary', 'description', 'x-openai-isConsequential'] as const) {
    if (schema[field] === undefined) throw new Error(`${where} needs schema.${field}.`)
  }
  const input = schema.body ?? schema.querystring
  if (input === undefined || input.type !== 'object' || input.properties === undefined) throw new Error(`${where} needs an object schema with its properties for its querystring or body.`)
  const output = schema.response?.[200] ?? schema.response?.['2xx']
  if (output === undefined || output.type !== 'object') throw new Error(`${where} needs an object schema for its 200 response.`)
  const toolName = options.tool ?? snakeCase(schema.operationId)
  const status = options.status ?? { invoking: `Calling ${toolName}…`, invoked: `${toolName} answered` }
  const tooLong = Object.entries(status).find(([, line]) => line.length > STATUS_LINE_MAX)
  if (tooLong !== undefined) throw new Error(`${where} has a status line (${tooLong[0]}) of ${tooLong[1].length} characters: chat hosts show at most ${STATUS_LINE_MAX}.`)
  return {
    method,
    url: route.url,
    operationId: schema.operationId,
    toolName,
    title: schema.summary,
    description: schema.description,
    consequential: schema['x-openai-isConsequential'] === true,
    inputIn: schema.body !== undefined ? 'body' : 'query',
    input,
    output,
    text: options.text ?? defaultText,
    prompts: options.prompts ?? [],
    status,
    ...(options.view !== undefined ? { view: options.view } : {})
  }
}

export default fp(async fastify => {
  const actions: Action[] = []
  fastify.decorate('actions', actions)
  fastify.addHook('onRoute', route => {
    // Fastify adds a HEAD route beside each GET: the same action, not another one.
    if (route.config?.action === undefined || route.method === 'HEAD') return
    const action = actionOf(route)
    const clash = actions.find(other => other.toolName === action.toolName || other.operationId === action.operationId)
    if (clash !== undefined) throw new Error(`The action ${action.method} ${action.url} has the same name as ${clash.method} ${clash.url}: give it another operationId.`)
    actions.push(action)
  })
}, { name: 'actions', fastify: '5.x' })

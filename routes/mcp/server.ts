/**
 * The MCP server itself, built on the official SDK for each POST (stateless). Loaded on the first
 * call to /mcp, not at start: the SDK takes about 120 ms and 25 MB to load, which a replica that
 * only serves GPT actions never needs.
 *
 * A tool call is the action's own HTTP route, called in-process (`inject`) with the caller's
 * address and credentials: the same validation, normalisation, error messages, API key, rate
 * limit and log line as a GPT's call, by construction, and nothing to write for a new action.
 */
import {
  type AuthInfo, type CallToolResult, type GetPromptResult, type McpHttpHandler, ProtocolError, ProtocolErrorCode, ResourceNotFoundError, Server, type Tool,
  WebStandardStreamableHTTPServerTransport, classifyInboundRequest, createMcpHandler
} from '@modelcontextprotocol/server'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { type Action, type ActionPrompt, type ActionView, DOOR_HEADER, doorHeader } from '../../plugins/app/actions.js'
import { PARAMETERS_HINT, clip } from '../../plugins/app/errors.js'
import { HOST_PLAYER_HEADER } from '../../plugins/caller.js'
import { packageInfo } from '../../plugins/package-info.js'
import { hostSettingsOf, viewMeta } from './host-meta.js'
import { VIEW_MIME_TYPE, choicesOf, promptOf, toolOf } from './tools.js'

/** What a tool call carries over from the MCP request to the action's route (with the player, below). */
const FORWARDED_HEADERS = ['authorization', 'openai-conversation-id', 'user-agent'] as const

/** Tool arguments as a query string: numbers and booleans as text, as a GPT would send them. */
function queryOf (args: Record<string, unknown>): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined || value === null) continue
    query[name] = Array.isArray(value) ? value.map(String) : typeof value === 'object' ? JSON.stringify(value) : String(value)
  }
  return query
}

/**
 * Arguments the tool's input schema does not list, refused before the call is built (the count is
 * bounded before the SDK sees the message: routes/mcp/refusals.ts). Over HTTP an unknown query
 * parameter is ignored, as the original service did; a tool call names its arguments from the
 * schema it was given, so an unknown one is a mistake to correct, not to drop silently.
 */
function unknownArguments (action: Action, args: Record<string, unknown>): string | undefined {
  const listed = action.input.properties as Record<string, unknown>
  const unknown = Object.keys(args).filter(name => !Object.hasOwn(listed, name))
  if (unknown.length === 0) return undefined
  const named = unknown.slice(0, 3).map(name => JSON.stringify(name.slice(0, 40))).join(', ')
  return `${action.toolName} has no argument ${named}${unknown.length > 3 ? ' and others' : ''}: its arguments are ${Object.keys(listed).join(', ')}. Send only those.`
}

/** The key a view puts in its call's `_meta` to say the person clicked (see views/board). */
export const VIEW_CALL_META = 'tictactoe/door'

async function callAction (fastify: FastifyInstance, request: FastifyRequest, action: Action, args: Record<string, unknown>, door: 'mcp' | 'view'): Promise<CallToolResult> {
  const headers: Record<string, string> = { [DOOR_HEADER]: doorHeader(door, request.id) }
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers[name]
    if (typeof value === 'string') headers[name] = value
  }
  // The player the MCP message names (ChatGPT's `_meta["openai/subject"]`), passed on as GPT
  // actions name theirs: the route then counts and trusts it by the one rule (plugins/caller.ts).
  const { hostId } = fastify.callerOf(request)
  if (hostId !== undefined) headers[HOST_PLAYER_HEADER] = hostId
  const response = await fastify.inject({
    method: action.method,
    url: action.url,
    headers,
    remoteAddress: request.ip,
    ...(action.inputIn === 'query' ? { query: queryOf(args) } : { payload: args })
  })
  const answer = response.json()
  if (response.statusCode === 200) return { content: [{ type: 'text', text: action.text(answer) }], structuredContent: answer }
  // The route's own message (a 400 names the argument and the fix; a 429 says how long to wait),
  // as a tool error the model can read and correct.
  const message = String(answer.message).replace(PARAMETERS_HINT, "See the tool's input schema.")
  return { isError: true, content: [{ type: 'text', text: message }] }
}

/** What the actions offer as MCP tools, prompts and views: the same for every call, made once per app. */
interface Catalog { tools: Tool[], prompts: ActionPrompt[], views: Array<{ view: ActionView, meta: Record<string, unknown> }> }
const catalogs = new WeakMap<FastifyInstance, Catalog>()

function catalogOf (fastify: FastifyInstance): Catalog {
  let catalog = catalogs.get(fastify)
  if (catalog === undefined) {
    const { actions } = fastify
    const settings = hostSettingsOf(fastify.config)
    catalog = {
      tools: actions.map(action => toolOf(action, settings)),
      prompts: actions.flatMap(action => action.prompts),
      views: actions.flatMap(action => action.view ?? []).map(view => ({ view, meta: viewMeta(view, settings) }))
    }
    catalogs.set(fastify, catalog)
  }
  return catalog
}

/**
 * How long a 2026-07-28 client may keep what the lists and the view say: they change only with a
 * new deployment. The lists are the same for every caller (public); what the view's resource says
 * may depend on the host that asks, so only that caller may keep it (private).
 */
const CACHE_MS = 5 * 60_000
const CACHE_HINTS = {
  'server/discover': { ttlMs: CACHE_MS, cacheScope: 'public' },
  'tools/list': { ttlMs: CACHE_MS, cacheScope: 'public' },
  'prompts/list': { ttlMs: CACHE_MS, cacheScope: 'public' },
  'resources/templates/list': { ttlMs: CACHE_MS, cacheScope: 'public' },
  'resources/list': { ttlMs: CACHE_MS, cacheScope: 'private' },
  'resources/read': { ttlMs: CACHE_MS, cacheScope: 'private' }
} as const

function mcpServer (fastify: FastifyInstance, request: FastifyRequest, pages: Map<string, string>): Server {
  const actions = fastify.actions
  const { tools, prompts, views } = catalogOf(fastify)
  const server = new Server(
    { name: packageInfo.name, version: packageInfo.version, title: 'Tic-tac-toe opponent' },
    {
      capabilities: { tools: {}, prompts: {}, resources: {} },
      instructions: `${packageInfo.description} Each tool's description says how to call it; tell the person what its result's message says.`,
      cacheHints: CACHE_HINTS
    }
  )
  server.setRequestHandler('tools/list', async () => ({ tools }))
  server.setRequestHandler('tools/call', async call => {
    const action = actions.find(one => one.toolName === call.params.name)
    if (action === undefined) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `There is no tool "${call.params.name}"; the tools are ${actions.map(one => one.toolName).join(', ')}.`)
    }
    const args = call.params.arguments ?? {}
    const unknown = unknownArguments(action, args)
    if (unknown !== undefined) return { isError: true, content: [{ type: 'text', text: unknown }] }
    // Hosts pass a view's call on with its _meta: a move clicked in the board view counts as such.
    const door = call.params._meta?.[VIEW_CALL_META] === 'view' ? 'view' : 'mcp'
    return await callAction(fastify, request, action, args, door)
  })
  server.setRequestHandler('prompts/list', async () => ({ prompts: prompts.map(promptOf) }))
  server.setRequestHandler('prompts/get', async ({ params }): Promise<GetPromptResult> => {
    const prompt = prompts.find(one => one.name === params.name)
    if (prompt === undefined) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `There is no prompt "${params.name}"; the prompts are ${prompts.map(one => one.name).join(', ')}.`)
    }
    const text = prompt.text(choicesOf(prompt, params.arguments))
    return { description: prompt.description, messages: [{ role: 'user', content: { type: 'text', text } }] }
  })
  server.setRequestHandler('resources/list', async () => ({
    resources: views.map(({ view, meta }) => ({ uri: view.uri, name: view.name, title: view.title, description: view.description, mimeType: VIEW_MIME_TYPE, _meta: meta }))
  }))
  // The resources are the views, each at a fixed address: no templates (listed empty, as the
  // resources capability asks).
  server.setRequestHandler('resources/templates/list', async () => ({ resourceTemplates: [] }))
  server.setRequestHandler('resources/read', async ({ params }) => {
    const found = views.find(({ view }) => view.uri === params.uri)
    if (found === undefined) throw new ResourceNotFoundError(params.uri)
    return { contents: [{ uri: found.view.uri, mimeType: VIEW_MIME_TYPE, text: pages.get(found.view.name) as string, _meta: found.meta }] }
  })
  return server
}

/** The caller's Fastify request, carried through the SDK to the server it builds for that request. */
interface CallerInfo extends AuthInfo { extra: { request: FastifyRequest } }

const modernHandlers = new WeakMap<FastifyInstance, McpHttpHandler>()

/**
 * The 2026-07-28 leg, one per app: the SDK's own entry in its strict form, which validates the
 * revision, the headers against the body and the envelope, and builds a server per request from
 * the same factory as the 2025 leg.
 */
function modernHandlerOf (fastify: FastifyInstance, pages: Map<string, string>): McpHttpHandler {
  let handler = modernHandlers.get(fastify)
  if (handler === undefined) {
    handler = createMcpHandler(({ authInfo }) => mcpServer(fastify, (authInfo as CallerInfo).extra.request, pages), {
      legacy: 'reject',
      // Rejections are answered to the caller with their reason, and the request's line logs the status.
      onerror: error => fastify.log.debug({ error: clip(error.message) }, 'MCP request refused')
    })
    modernHandlers.set(fastify, handler)
  }
  return handler
}

// Node joins a repeated header into one value (only set-cookie stays a list).
const header = (request: FastifyRequest, name: string): string | undefined => request.headers[name] as string | undefined

/**
 * The request as the SDK's web-standard face takes it: the headers only. The body is already
 * parsed and given beside it, so it is neither serialized again nor read twice; the address is a
 * placeholder (the door has checked the Host, and the SDK reads nothing from it).
 */
function webRequestOf (request: FastifyRequest): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers.set(name, value)
  return new Request('http://mcp.invalid/mcp', { method: 'POST', headers })
}

/**
 * Answers one JSON-RPC message with a server of its own. The SDK tells the revisions apart
 * (`classifyInboundRequest`, the step its own entry runs): a 2026-07-28 request goes to the SDK's
 * entry, a 2025 one to the SDK's web-standard stateless transport with a JSON answer (the SDK's
 * stateless fallback would answer with an event stream). Both answer a web Response, which the
 * route sends as any other answer (its hooks, headers and log line apply).
 */
export async function answerMcp (fastify: FastifyInstance, request: FastifyRequest, reply: FastifyReply, pages: Map<string, string>): Promise<FastifyReply> {
  const era = classifyInboundRequest({
    httpMethod: 'POST',
    protocolVersionHeader: header(request, 'mcp-protocol-version'),
    mcpMethodHeader: header(request, 'mcp-method'),
    mcpNameHeader: header(request, 'mcp-name'),
    body: request.body
  })
  const web = webRequestOf(request)
  let response: Response
  if (era.kind !== 'legacy') {
    const caller: CallerInfo = { token: '', clientId: '', scopes: [], extra: { request } }
    response = await modernHandlerOf(fastify, pages).fetch(web, { parsedBody: request.body, authInfo: caller })
  } else {
    const server = mcpServer(fastify, request, pages)
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
    await server.connect(transport)
    response = await transport.handleRequest(web, { parsedBody: request.body })
    // Closing can only fail on what is already gone: nothing to report.
    Promise.allSettled([transport.close(), server.close()])
  }
  reply.code(response.status)
  for (const [name, value] of response.headers) reply.header(name, value)
  // The body whole: the handlers send no message before their result, so the SDK answers with one
  // JSON body (an event stream, were it one, would be passed on whole, still a valid stream).
  return await reply.send(response.body === null ? undefined : await response.text())
}

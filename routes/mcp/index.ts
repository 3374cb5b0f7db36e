/**
 * POST /mcp: every action as an MCP tool (Streamable HTTP, stateless), for ChatGPT apps and
 * connectors, Claude and every MCP client, in both revisions of the protocol (./revisions.ts).
 * Stateless: no session, so any replica can answer any call. The protocol is answered here, on
 * Fastify's own machinery, in this order:
 * 1. the guards of the door's context: Host and Origin (./origin.ts), CORS for ALLOWED_ORIGINS,
 *    credentials (plugins/app/auth.ts), then, once the body is read, the caller's allowance of
 *    messages (plugins/app/rate-limit.ts);
 * 2. what the door refuses before anything is built from a message (./refusals.ts);
 * 3. the JSON-RPC envelope, checked against its schema (./json-rpc.ts);
 * 4. the revision the message is answered in, its envelope and headers (./revisions.ts);
 * 5. the method (./methods.ts), a span when traced (./span.ts): a tool call runs its action's
 *    pipeline on this same request.
 */
import cors from '@fastify/cors'
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify'
import { listOf } from '../../plugins/config.js'
import { readView } from '../../lib/files.js'
import { type Catalog, catalogOf } from './catalog.js'
import { INVALID_REQUEST, type Message, echoId, errorText, isMessage, jsonRpcError, jsonRpcErrorHandler } from './json-rpc.js'
import { type Answer, methodsOf } from './methods.js'
import { dnsRebindingProtection } from './origin.js'
import { traced } from './span.js'
import { type ToolNames, refusalOf, toolNamesOf } from './refusals.js'
import { type McpHeaders, type Rejection, headerProblem, routeOf, unsupportedLegacyHeader, unsupportedModern } from './revisions.js'

/** A header's value without the optional whitespace around it (RFC 9110); Node joins repeated headers. */
function headerOf (request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name] as string | undefined
  return value?.replace(/^[ \t]+|[ \t]+$/g, '')
}

const mcpHeadersOf = (request: FastifyRequest): McpHeaders => ({
  version: headerOf(request, 'mcp-protocol-version'),
  method: headerOf(request, 'mcp-method'),
  name: headerOf(request, 'mcp-name')
})

const rejected = (rejection: Rejection, id: Message['id'] | null): Answer => ({
  status: rejection.status,
  json: errorText(rejection.code, rejection.message, id ?? null, rejection.data)
})

/** A 2025 client must take both answers the transport may give (the SDK's transport refuses it so). */
const acceptsBoth = (request: FastifyRequest): boolean => {
  const accept = request.headers.accept
  return accept !== undefined && accept.includes('application/json') && accept.includes('text/event-stream')
}
const NOT_ACCEPTABLE: Answer = { status: 406, json: errorText(-32000, 'Not Acceptable: Client must accept both application/json and text/event-stream', null) }

export default async function mcp (fastify: FastifyInstance): Promise<void> {
  // The actions' views are read and everything the door lists is written once the server is ready
  // (every action is registered by then): a view that was not built stops the start instead of
  // failing a host's first read.
  let catalog: Catalog | undefined
  let toolNames: ToolNames = new Map()
  fastify.addHook('onReady', async () => {
    const pages = new Map<string, string>()
    for (const action of fastify.actions) if (action.view !== undefined) pages.set(action.view.name, await readView(action.view.name))
    catalog = catalogOf(fastify.actions, fastify.config, pages)
    toolNames = toolNamesOf(fastify.actions)
  })
  const answerMethod = traced(fastify.tracing, methodsOf(fastify, () => catalog as Catalog))

  async function answer (request: FastifyRequest, message: Message): Promise<Answer> {
    const headers = mcpHeadersOf(request)
    const route = routeOf(message, headers)
    switch (route.era) {
      case 'rejected':
        return rejected(route.rejection, echoId(message))
      case 'modern': {
        const unsupported = unsupportedModern(route.revision)
        if (unsupported !== undefined) return rejected(unsupported, echoId(message))
        if (route.kind === 'notification') return { status: 202 }
        const problem = headerProblem(message, route.revision, headers)
        if (problem !== undefined) return rejected(problem, message.id)
        // (A 2026-07-28 request carries its envelope in its params: it has them.)
        return await answerMethod(message, { request, id: message.id as string | number, params: message.params as Record<string, unknown>, modern: true })
      }
      case 'legacy': {
        if (!acceptsBoth(request)) return NOT_ACCEPTABLE
        if (message.method !== 'initialize') {
          const unsupported = unsupportedLegacyHeader(headers.version)
          if (unsupported !== undefined) return rejected(unsupported, null)
        }
        // Notifications and posted responses are taken, with nothing to answer.
        if (route.kind !== 'request') return { status: 202 }
        return await answerMethod(message, { request, id: message.id as string | number, params: message.params ?? {}, modern: false })
      }
    }
  }

  const send = async (reply: FastifyReply, { status, json }: Answer): Promise<FastifyReply> => json === undefined
    ? await reply.code(status).send()
    : await reply.code(status).type('application/json; charset=utf-8').send(json)

  const { allowances, credentials } = fastify

  // Everything under /mcp in a context of its own: its guards, its error answers and its CORS
  // apply to the door and to nothing else.
  await fastify.register(async door => {
    dnsRebindingProtection(door)
    door.setErrorHandler(jsonRpcErrorHandler)
    // JSON only: Fastify would read text/plain as a string, which no MCP client sends.
    door.removeContentTypeParser('text/plain')
    // Hosts that run in a web page (the ext-apps basic-host, the MCP Inspector's direct mode,
    // Microsoft 365's widget host) call /mcp from the browser: CORS for ALLOWED_ORIGINS, answered
    // by @fastify/cors after the Origin check above (any other origin keeps its 403, with no CORS
    // header), before the credentials are asked (a preflight carries none). Preflights count
    // against the caller's allowance of messages, as the messages do.
    const origins = listOf(door.config.ALLOWED_ORIGINS)
    if (origins.length > 0) {
      const countPreflight: onRequestHookHandler = (request, reply, done) =>
        request.method === 'OPTIONS' ? allowances.open.call(door, request, reply, done) : done()
      door.addHook('onRequest', countPreflight)
      await door.register(cors, {
        origin: origins,
        // GET and DELETE too, so a page reads the 405 that says the server keeps no stream or session.
        methods: ['POST', 'GET', 'DELETE'],
        allowedHeaders: ['content-type', 'accept', 'authorization', 'mcp-protocol-version', 'mcp-method', 'mcp-name', 'last-event-id'],
        exposedHeaders: ['www-authenticate'],
        maxAge: 7200
      })
    }
    if (credentials.required) door.addHook('onRequest', credentials.hook)

    // The door's messages name their player in their _meta (plugins/app/caller.ts), so they are
    // counted once the body is read; @fastify/rate-limit's own hook leaves them alone.
    const config = { door: true, rateLimit: false as const }
    door.post('', { schema: { hide: true }, config, preHandler: allowances.open }, async (request, reply) => {
      const { body } = request
      const refused = refusalOf(body, toolNames)
      if (refused !== undefined) return await reply.code(400).send(refused)
      if (!isMessage(body)) {
        return await reply.code(400).send(jsonRpcError(INVALID_REQUEST, 'Bad Request: the request body is not a valid JSON-RPC message', echoId(body)))
      }
      return await send(reply, await answer(request, body))
    })

    for (const method of ['GET', 'DELETE'] as const) {
      door.route({
        method,
        url: '',
        schema: { hide: true },
        config,
        preHandler: allowances.open,
        handler: async (_request, reply) => reply.code(405).header('allow', 'POST').send(
          jsonRpcError(-32000, 'This MCP server is stateless: send JSON-RPC requests with POST /mcp.'))
      })
    }
  }, { prefix: '/mcp' })
}

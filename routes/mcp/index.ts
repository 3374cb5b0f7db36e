/**
 * POST /mcp: every action as an MCP tool (Streamable HTTP, stateless), for ChatGPT apps and
 * connectors, Claude and every MCP client. Stateless: each POST gets its own server and transport,
 * so any replica can answer any call and nothing needs session affinity. This file holds the
 * routes and what guards them; server.ts, the MCP server, is loaded on the first call.
 */
import type { FastifyInstance } from 'fastify'
import { readView } from '../../plugins/views.js'
import { INVALID_PARAMS, INVALID_REQUEST, jsonRpcError, jsonRpcErrorHandler } from './json-rpc.js'
import { dnsRebindingProtection } from './origin.js'

let loading: Promise<typeof import('./server.js')> | undefined
const loadServer = async (): Promise<typeof import('./server.js')> => await (loading ??= import('./server.js'))

/**
 * What the SDK would take apart with a dump of its validation errors, refused first with a line a
 * caller can act on: batches (removed from the protocol in revision 2025-06-18) and tool calls
 * whose `arguments` are not an object.
 */
function refusal (body: unknown): ReturnType<typeof jsonRpcError> | undefined {
  if (Array.isArray(body)) {
    return jsonRpcError(INVALID_REQUEST, 'JSON-RPC batches are not supported (MCP removed them in revision 2025-06-18): send one message per POST.')
  }
  const message = body as { id?: string | number, method?: unknown, params?: { arguments?: unknown } } | null
  const args = message?.params?.arguments
  if (message?.method === 'tools/call' && args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) {
    return jsonRpcError(INVALID_PARAMS, `arguments must be an object of the tool's parameters by name, as its inputSchema lists them (got ${args === null ? 'null' : Array.isArray(args) ? 'an array' : typeof args}).`, message.id)
  }
  return undefined
}

export default async function mcp (fastify: FastifyInstance): Promise<void> {
  dnsRebindingProtection(fastify)
  fastify.setErrorHandler(jsonRpcErrorHandler)

  // The actions' views, read once when the server is ready (every action is registered by then): a
  // view that was not built stops the start instead of failing a host's first read.
  const pages = new Map<string, string>()
  fastify.addHook('onReady', async () => {
    for (const action of fastify.actions) if (action.view !== undefined) pages.set(action.view.name, await readView(action.view.name))
  })

  // Not an action itself (the tool calls are, each counted as a play), but it leads to them.
  fastify.post('/mcp', { schema: { hide: true }, config: { requiresKey: true } }, async (request, reply) => {
    const refused = refusal(request.body)
    if (refused !== undefined) return reply.code(400).send(refused)
    const { answerMcp } = await loadServer()
    await answerMcp(fastify, request, reply, pages)
  })

  for (const method of ['GET', 'DELETE'] as const) {
    fastify.route({
      method,
      url: '/mcp',
      schema: { hide: true },
      config: { requiresKey: true },
      handler: async (_request, reply) => reply.code(405).header('allow', 'POST').send(
        jsonRpcError(-32000, 'This MCP server is stateless: send JSON-RPC requests with POST /mcp.'))
    })
  }
}

/**
 * POST /mcp: every action as an MCP tool (Streamable HTTP, stateless), for ChatGPT apps and
 * connectors, Claude and every MCP client. Stateless: each POST gets its own server and transport,
 * so any replica can answer any call and nothing needs session affinity. This file holds the
 * routes and what guards them; server.ts, the MCP server, is loaded on the first call.
 */
import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'
import { listOf } from '../../plugins/config.js'
import { readView } from '../../plugins/views.js'
import { jsonRpcError, jsonRpcErrorHandler } from './json-rpc.js'
import { dnsRebindingProtection } from './origin.js'
import { type ToolNames, refusalOf, toolNamesOf } from './refusals.js'

let loading: Promise<typeof import('./server.js')> | undefined
const loadServer = async (): Promise<typeof import('./server.js')> => await (loading ??= import('./server.js'))

export default async function mcp (fastify: FastifyInstance): Promise<void> {
  // The actions' views, read once when the server is ready (every action is registered by then): a
  // view that was not built stops the start instead of failing a host's first read.
  const pages = new Map<string, string>()
  let tools: ToolNames = new Map()
  fastify.addHook('onReady', async () => {
    for (const action of fastify.actions) if (action.view !== undefined) pages.set(action.view.name, await readView(action.view.name))
    tools = toolNamesOf(fastify.actions)
  })

  // Everything under /mcp in a context of its own: its guards, its error answers and its CORS
  // apply to the door and to nothing else.
  await fastify.register(async door => {
    dnsRebindingProtection(door)
    door.setErrorHandler(jsonRpcErrorHandler)
    // Hosts that run in a web page (the ext-apps basic-host, the MCP Inspector's direct mode,
    // Microsoft 365's widget host) call /mcp from the browser: CORS for ALLOWED_ORIGINS, answered
    // by @fastify/cors after the Origin check above (any other origin keeps its 403, with no CORS
    // header), before the API key is asked (a preflight carries no credentials).
    const origins = listOf(door.config.ALLOWED_ORIGINS)
    if (origins.length > 0) {
      await door.register(cors, {
        origin: origins,
        // GET and DELETE too, so a page reads the 405 that says the server keeps no stream or session.
        methods: ['POST', 'GET', 'DELETE'],
        allowedHeaders: ['content-type', 'accept', 'authorization', 'mcp-protocol-version', 'mcp-method', 'mcp-name', 'last-event-id'],
        exposedHeaders: ['www-authenticate'],
        maxAge: 7200
      })
    }

    // Not an action itself (the tool calls are, each counted as a play), but it leads to them.
    door.post('', { schema: { hide: true }, config: { door: true } }, async (request, reply) => {
      const refused = refusalOf(request.body, tools)
      if (refused !== undefined) return reply.code(400).send(refused)
      const { answerMcp } = await loadServer()
      return await answerMcp(fastify, request, reply, pages)
    })

    for (const method of ['GET', 'DELETE'] as const) {
      door.route({
        method,
        url: '',
        schema: { hide: true },
        config: { door: true },
        handler: async (_request, reply) => reply.code(405).header('allow', 'POST').send(
          jsonRpcError(-32000, 'This MCP server is stateless: send JSON-RPC requests with POST /mcp.'))
      })
    }
  }, { prefix: '/mcp' })
}

/**
 * POST /mcp: every action as an MCP tool (Streamable HTTP, stateless: any replica answers any call), in
 * both revisions. A message passes the door's guards, then ./json-rpc.ts, ./revisions.ts, ./methods.ts.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, preParsingHookHandler } from 'fastify'
import { readPlayerMeta } from '../../plugins/app/caller.js'
import { doorCors } from '../../plugins/app/host-check.js'
import { type Answers, answersOf } from './catalog.js'
import {
  type Message, type RequestId, NOT_A_MESSAGE, echoId, envelopeRefusalOf, idOf, isObject, jsonRpcErrorHandler, rpcErrorOf, rpcRefusals
} from './json-rpc.js'
import { Refusal, answerPastAllowance, clip, refusals } from '../../lib/errors.js'
import { type Answer, methodsOf, refused } from './methods.js'
import { paramsProblem } from './method-table.js'
import { traced } from './span.js'
import { type McpHeaders, admit } from './revisions.js'

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

const NO_BATCHES = rpcRefusals.invalidRequest('JSON-RPC batches are not supported (MCP removed them in revision 2025-06-18): send one message per POST.')

/** The most messages a batch may hold: each is answered as if posted alone. */
const MAX_BATCH = 16

/**
 * Whether a batch is taken: from a 2025-03-26 client, which sends no MCP-Protocol-Version header (it
 * came with 2025-06-18; a server is then to assume 2025-03-26) or names that revision.
 */
const takesBatches = (version: string | undefined): boolean => version === undefined || version === '2025-03-26'

/**
 * Bodies refused before a byte is read: one the service would have to decode (gzip and the like: no
 * MCP client sends one), and one longer than the limit (as Fastify would, without its error's stack).
 */
const refuseUnread: preParsingHookHandler = (request, _reply, payload, done) => {
  // (The door keeps the server's limit; request.routeOptions would build a whole object to say it.)
  if (Number(request.headers['content-length']) > (request.server.initialConfig.bodyLimit as number)) {
    return done(refusals.bodyTooLarge())
  }
  const encoding = headerOf(request, 'content-encoding')
  if (encoding === undefined || encoding === '' || encoding.toLowerCase() === 'identity') return done(null, payload)
  done(new Refusal(415, `Content-Encoding ${clip(encoding, 40)} is not accepted: send the JSON-RPC message uncompressed.`))
}

/** Whether the client takes both answers the transport may give (a 2025 client must). */
const acceptsBoth = (request: FastifyRequest): boolean => {
  const accept = request.headers.accept
  return accept !== undefined && accept.includes('application/json') && accept.includes('text/event-stream')
}

export default async function mcp (fastify: FastifyInstance): Promise<void> {
  // Everything the door lists is written once the catalogue is made (plugins/app/mcp-catalog's
  // onReady runs first: it is the app's).
  let answers: Answers | undefined
  fastify.addHook('onReady', async () => { answers = answersOf(fastify.mcpCatalog) })
  const answerMethod = traced(fastify.tracing, methodsOf(fastify, () => answers as Answers))

  /**
   * One posted message, whatever it is, in the order of docs/decisions.md's table: its envelope, its
   * revision, then its method and params. A message refused for params that are no object (a string,
   * say) hears what its method takes.
   */
  async function answerOne (request: FastifyRequest, body: unknown): Promise<Answer> {
    if (Array.isArray(body)) return refused(NO_BATCHES)
    const refusal = envelopeRefusalOf(body)
    if (refusal !== undefined) {
      const problem = refusal === NOT_A_MESSAGE && isObject(body) ? paramsProblem(body.method, body.params, fastify.mcpCatalog.argumentNames) : undefined
      return problem !== undefined ? refused(rpcRefusals.invalidParams(problem), idOf(body)) : refused(refusal, echoId(body))
    }
    const message = body as Message
    const admitted = admit(message, mcpHeadersOf(request), acceptsBoth(request))
    if ('refusal' in admitted) return refused(admitted.refusal, admitted.id)
    if ('taken' in admitted) return { status: 202 }
    return await answerMethod(message, { request, id: message.id as RequestId, params: message.params ?? {}, revision: admitted.revision })
  }

  /**
   * A JSON-RPC batch, which revision 2025-03-26 says a server must take (2025-06-18 removed them):
   * each message answered in turn and counted against the caller's allowance as a message of its
   * own, the answers in one array (202 when none has one). An initialize may not be in one.
   */
  async function answerBatch (request: FastifyRequest, batch: unknown[]): Promise<Answer> {
    if (batch.length === 0 || batch.length > MAX_BATCH) {
      return refused(rpcRefusals.invalidRequest(`A batch holds 1 to ${MAX_BATCH} messages (got ${batch.length}).`))
    }
    const answers: string[] = []
    for (const [index, message] of batch.entries()) {
      let one: Answer
      if (index > 0) request.counted = false
      const limited = index > 0 ? await allowances.charge(request) : undefined
      if (limited !== undefined) one = refused(limited, echoId(message))
      else if ((message as { method?: unknown } | null)?.method === 'initialize') {
        one = refused(rpcRefusals.invalidRequest('initialize may not be part of a batch: send it alone, first.'), echoId(message))
      } else one = await answerOne(request, message)
      if (one.json !== undefined) answers.push(one.json)
    }
    return answers.length === 0 ? { status: 202 } : { status: 200, json: `[${answers.join(',')}]` }
  }

  const send = async (reply: FastifyReply, { status, json }: Answer): Promise<FastifyReply> => json === undefined
    ? await reply.code(status).send()
    : await reply.code(status).type('application/json; charset=utf-8').send(json)

  const { allowances, credentials, hostCheck } = fastify

  // Everything under /mcp in a context of its own: its guards, its error answers and its CORS
  // apply to the door and to nothing else.
  await fastify.register(async door => {
    // Against DNS rebinding (plugins/app/host-check.ts): a Host or Origin that may not call is a
    // 403, charged to no allowance.
    door.addHook('onRequest', (request, reply, done) => {
      const refusal = hostCheck(request)
      if (refusal === undefined) return done()
      request.counted = true
      reply.code(403).send(rpcErrorOf(refusal))
    })
    // Every answer counts: a body refused before the route ran (not JSON, too large, another type)
    // is counted here, and past the caller's allowance it is the 429 instead.
    door.setErrorHandler(async (error: FastifyError, request, reply) => {
      return await answerPastAllowance(error, request, reply, rpcErrorOf) ??
        jsonRpcErrorHandler(error, request, reply)
    })
    // JSON only: Fastify would read text/plain as a string, which no MCP client sends.
    door.removeContentTypeParser('text/plain')
    // Pages on ALLOWED_ORIGINS may read the answers (any other origin keeps its 403, with no CORS header).
    await door.register(doorCors)
    if (credentials.required) door.addHook('onRequest', credentials.hook)

    // The door's messages name their player in their _meta, so they are counted once the body is
    // read; @fastify/rate-limit's own hook leaves them alone.
    const config = { rateLimit: false as const }
    door.post('', { schema: { hide: true }, config, preParsing: refuseUnread, preHandler: [readPlayerMeta, allowances.client] }, async (request, reply) => {
      const { body } = request
      if (Array.isArray(body) && takesBatches(headerOf(request, 'mcp-protocol-version'))) return await send(reply, await answerBatch(request, body))
      return await send(reply, await answerOne(request, body))
    })

    door.route({
      method: ['GET', 'DELETE'],
      url: '',
      schema: { hide: true },
      config,
      preHandler: allowances.client,
      handler: async (_request, reply) => reply.code(405).header('allow', 'POST').send(
        rpcErrorOf(rpcRefusals.transport(405, 'This MCP server is stateless: send JSON-RPC requests with POST /mcp.')))
    })
  }, { prefix: '/mcp' })
}

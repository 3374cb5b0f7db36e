/**
 * The log: pino JSON lines, one per request (method, route, status, time, id, ChatGPT's conversation
 * and GPT ids when sent), as server options that cost no route anything. Headers are never logged
 * whole, which keeps `authorization` out; the redaction is a second guard.
 */
import { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController } from 'fastify'
import type { IncomingHttpHeaders } from 'node:http'
import { type DestinationStream, destination } from 'pino'

export const REDACTED_PATHS = ['req.headers.authorization', 'headers.authorization', 'authorization', 'config.API_KEY', 'API_KEY']

let stdout: ReturnType<typeof destination> | undefined

/**
 * Standard output for the log, written in blocks of at least 4 KB (about 25 request lines) and at
 * least once a second, instead of one write per line handed to libuv's thread pool: under load,
 * less CPU per request (docs/performance.md). The price: a line can reach the output up to a second late (server.ts writes the start-up lines at
 * once), and a process killed with SIGKILL loses at most that second's lines; any other exit, an
 * uncaught error included, writes them out first. One stream per process, shared by every instance.
 */
export function bufferedStdout (): ReturnType<typeof destination> {
  if (stdout === undefined) {
    const stream = destination({ dest: 1, sync: true, minLength: 4096, periodicFlush: 1000 })
    process.on('exit', () => stream.flushSync())
    stdout = stream
  }
  return stdout
}

/**
 * Where a server's log goes when `out` is a person's terminal: readable lines (pino-pretty, loaded
 * only then); else undefined, for JSON lines on standard output (a container, a pipe).
 */
export async function terminalLog (out: { isTTY?: boolean }): Promise<DestinationStream | undefined> {
  if (out.isTTY !== true) return undefined
  const { default: pretty } = await import('pino-pretty')
  return pretty({ translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' })
}

/** Writes out what the log holds now (nothing to do when it writes elsewhere). */
export function flushLog (): void {
  stdout?.flushSync()
}

const CHATGPT_HEADERS = [['openai-conversation-id', 'conversationId'], ['openai-gpt-id', 'gptId']] as const

/** ChatGPT's ids, from a request's headers, as its log lines carry them. */
function chatgptIds (headers: IncomingHttpHeaders, into: Record<string, unknown>): Record<string, unknown> {
  for (const [header, key] of CHATGPT_HEADERS) {
    const value = headers[header]
    if (typeof value === 'string' && value !== '') into[key] = value.slice(0, 100)
  }
  return into
}

/** Adds ChatGPT's ids to every line a request logs. */
export const childLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']> = (logger, bindings, options, rawRequest) =>
  logger.child(chatgptIds(rawRequest.headers, bindings), options)

declare module 'fastify' {
  interface FastifyRequest {
    /** What the request's logger was given besides its id and ChatGPT's (decorated by plugins/app/errors.ts). */
    logBindings: Record<string, unknown> | null
  }
}

/**
 * A request's logger with more bindings (the signed-in subject, the trace id), for every line it logs
 * from then on and a tool call's (use it, not request.log.child): kept as given, as pino keeps them
 * as JSON text only, which a tool call's logger would parse back (about 3 µs a call).
 */
export function logWith (request: FastifyRequest, bindings: Record<string, unknown>): FastifyBaseLogger {
  request.logBindings = { ...request.logBindings, ...bindings }
  return request.log.child(bindings)
}

/**
 * The logger of a tool call made on an MCP request: the request's (ChatGPT's ids, the signed-in
 * subject), with an id of its own and the request's as `mcpReqId`, so the two lines of a play are
 * found together; and, traced, the call's trace id (the caller's, when it sent its own in `_meta`).
 */
export function callLogger (request: FastifyRequest, id: string, traceId: string | undefined): FastifyBaseLogger {
  const bindings = chatgptIds(request.headers, { reqId: id })
  if (request.logBindings !== null) Object.assign(bindings, request.logBindings)
  bindings.mcpReqId = request.id
  if (traceId !== undefined) bindings.traceId = traceId
  return request.server.log.child(bindings)
}

/** Why a request was refused, as its log line carries it: the code (the service's or Fastify's) and the message. */
export interface RefusalNote { code?: string, message: string }

declare module 'fastify' {
  interface FastifyRequest {
    /** Why the request was refused, for its one log line (decorated by plugins/app/errors.ts). */
    refused: RefusalNote | null
  }
}

/**
 * Notes why a request is refused: its one log line says so (its code and message), instead of a
 * line of its own, which cost every refusal about a fifth of its CPU (npm run bench).
 */
export function noteRefusal (request: FastifyRequest, code: string | undefined, message: string): void {
  request.refused = { code, message }
}

/**
 * One line when the answer is sent, instead of Fastify's two ("incoming request", "request
 * completed"); a refused request's line also says why (`code`, `message`).
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest (): void {}

  override requestCompleted (_error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // A request shed under load (503) is the one line that says so, at warn.
    request.log[reply.statusCode === 503 ? 'warn' : 'info'](
      requestLine(request.method, request.routeOptions.url ?? 'not found', reply.statusCode, reply.elapsedTime, request.refused), 'request')
  }
}

/**
 * A request's log line: what was called, its status and time, and why it was refused when it was.
 * Also a tool call's own line (plugins/app/pipeline.ts), so both doors' lines read the same. Built
 * field by field, not spread: a refusal must cost less than a move.
 */
export function requestLine (method: string, route: string, statusCode: number, ms: number, refused: RefusalNote | null | undefined) {
  const rounded = Math.round(ms * 100) / 100
  return refused == null
    ? { method, route, statusCode, ms: rounded }
    : { method, route, statusCode, ms: rounded, code: refused.code, message: refused.message }
}

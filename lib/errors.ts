/**
 * Errors as the service says them: its one error shape (Refusal) and the refusals made in more than
 * one place, the HTTP body of every error answer, a validation failure's sentence, what is echoed.
 */
import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { noteRefusal } from './logging.js'

export interface AjvError {
  keyword: string
  instancePath: string
  message: string
  params: Record<string, unknown>
}

/** A 503 whose message says what is missing (the authorization server does not answer): shown as is. */
export const SIGN_IN_UNAVAILABLE = 'sign_in_unavailable'

/** Ends every validation message over HTTP; the MCP door points to the tool's schema instead. */
export const PARAMETERS_HINT = 'See /openapi.json for the parameters.'

/**
 * A caller's text as it is echoed in an answer or the log: cut to `max` characters, so a 60 KB
 * argument is not a 60 KB log line.
 */
export const clip = (text: string, max = 300): string => text.length <= max ? text : `${text.slice(0, max - 1)}…`

/** A caller's value, quoted as JSON and cut to `max` characters. */
export const quoted = (value: unknown, max = 80): string => clip(String(JSON.stringify(value)), max)

/** Every error answer's body, over HTTP: `{ statusCode, error, code?, message }`. */
export interface ErrorBody { statusCode: number, error: string, code?: string, message: string }

/** The body of an error answer (the HTTP door's rendering); a code (the service's own, such as invalid_parameter) only on a 4xx. */
export const errorBody = (statusCode: number, message: string, code?: string): ErrorBody => code !== undefined && statusCode < 500
  ? { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message }
  : { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message }

/** The status an error is answered with: its own when it is an error status, else 500. */
export const statusOf = (error: { statusCode?: number }): number => error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500

/** What a refusal carries besides its status, message and code, for the doors that read it. */
export interface RefusalDetails {
  /** The message ends with the door's pointer to the parameters (the API's document, a tool's schema). */
  hint?: boolean
  /** Headers on the answer (Retry-After, WWW-Authenticate, RateLimit-*). */
  headers?: Record<string, string | number>
  /** The JSON-RPC error code at the MCP door (else -32000, the HTTP layer's), and the error's data. */
  rpcCode?: number
  data?: unknown
}

/**
 * The service's one error shape: a call refused with a message the caller can act on. Thrown from a
 * hook or a route, or returned by an action call's steps; each door renders it in its own form (an
 * HTTP body: httpBodyOf; a JSON-RPC error; a tool result with isError: docs/decisions.md). An
 * answer, not a fault: it captures no stack (about 4 µs, in a request).
 */
export class Refusal extends Error {
  readonly statusCode: number
  declare readonly code?: string
  readonly details: RefusalDetails
  constructor (statusCode: number, message: string, code?: string, details: RefusalDetails = {}) {
    const frames = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(message)
    Error.stackTraceLimit = frames
    this.statusCode = statusCode
    if (code !== undefined) this.code = code
    this.details = details
  }
}

/**
 * The service's refusals that more than one place makes, as Fastify's createError catalogues its own:
 * the status and code of each, the message saying the case.
 */
export const refusals = {
  /** An input that is not what the action takes (the door adds its pointer to the parameters). */
  invalidParameter: (message: string): Refusal => new Refusal(400, message, 'invalid_parameter', { hint: true }),
  /** Past an allowance: when to call again. */
  tooManyCalls: (message: string, headers: Record<string, string | number>): Refusal => new Refusal(429, message, undefined, { headers }),
  /** The service sheds load (under-pressure). */
  busy: (): Refusal => new Refusal(503, 'Service Unavailable'),
  /** A body longer than the limit, said as Fastify says it. */
  bodyTooLarge: (): Refusal => new Refusal(413, 'Request body is too large', 'FST_ERR_CTP_BODY_TOO_LARGE')
}

/** A refusal as the HTTP door answers it, with the door's pointer to the parameters where it takes one. */
export const httpBodyOf = ({ statusCode, message, code, details }: Refusal): ErrorBody =>
  errorBody(statusCode, details.hint === true ? `${message} ${PARAMETERS_HINT}` : message, code)

/** Ends a hook with a refusal: its headers on the reply, and the refusal for the route's error handler to answer. */
export function refuseInHook (refusal: Refusal, reply: FastifyReply, done: (error?: Error) => void): void {
  if (refusal.details.headers !== undefined) reply.headers(refusal.details.headers)
  done(refusal)
}

/** What a caller reads of a failure of the server's (5xx): what to do, and the id to report. */
export const serverFailureMessage = (statusCode: number, requestId: string): string => statusCode === 503
  ? 'The server is busy or restarting; retry in a few seconds.'
  : `Something went wrong on the server; try again. If it keeps failing, report request id ${requestId}.`

/**
 * What both error handlers (this one and the MCP door's JSON-RPC one) do with a 5xx before they
 * answer: log it with its stack, except a 503, which is the service shedding load (under-pressure),
 * expected and told once, at warn, by the request's own line (a stack per shed request would flood
 * the log when it matters most). Returns the error's own message when it is one to show (the
 * authorization server does not answer: with Retry-After), else undefined for the handler's own.
 */
export function reportServerError (error: FastifyError, statusCode: number, request: FastifyRequest, reply: FastifyReply): string | undefined {
  if (statusCode !== 503) request.log.error({ err: error }, 'request failed')
  if (error.code !== SIGN_IN_UNAVAILABLE) return undefined
  reply.header('retry-after', 5)
  return error.message
}

const describeValue = (value: unknown): string => value === '' ? 'empty' : quoted(value)

/** A JSON pointer's keys, decoded (`~1` is `/`, `~0` is `~`). */
export const pointerKeys = (pointer: string): string[] => pointer === ''
  ? []
  : pointer.slice(1).split('/').map(part => part.replaceAll('~1', '/').replaceAll('~0', '~'))

/**
 * Where a validation error points: the keys from the validated value down. Each of the service's
 * readers of Ajv's errors (the API's, the MCP door's, the configuration's) starts here and words
 * the problem for its own reader.
 */
export const pathOf = (error: { instancePath: string }): string[] => pointerKeys(error.instancePath)

/** What a validation error points at in `root`: its path (a missing key's ending with that key) and the value there (none, for a missing key). */
export function pointedAt (error: Pick<AjvError, 'instancePath' | 'keyword' | 'params'>, root: unknown): { path: string[], value: unknown } {
  const path = pathOf(error)
  if (error.keyword === 'required') return { path: [...path, String(error.params.missingProperty)], value: undefined }
  // (Ajv's path leads to a value that is there: the one that is wrong.)
  return { path, value: path.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], root) }
}

/**
 * A validation failure in the API's own terms: the parameter, what it must be, what it got.
 * `input` is what was validated (the query, the body, a tool's arguments); `context` names it.
 */
export function validationMessage (error: AjvError, context: string, input: unknown): string {
  const name = pathOf(error).join('.') || String(error.params.missingProperty ?? context)
  const got = (input as Record<string, unknown> | undefined)?.[name]
  const gotText = got === undefined ? '' : ` (got ${describeValue(got)})`
  if (Array.isArray(got)) return `${name} was given ${got.length} times; give it once${gotText}.`
  switch (error.keyword) {
    case 'enum':
      return `${name} must be one of ${(error.params.allowedValues as unknown[]).map(describeValue).join(', ')}${gotText}.`
    case 'type':
      return `${name} must be ${error.params.type === 'integer' ? 'a whole number' : `of type ${String(error.params.type)}`}${gotText}.`
    case 'minimum':
    case 'maximum':
      return `${name} must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String(error.params.limit)}${gotText}.`
    default:
      return `${name} ${error.message}${gotText}.`
  }
}

/**
 * Counts a refusal that no allowance counted yet (one made before any route ran: a body too large,
 * of another type or not JSON) against the client's allowance: the 429 to answer instead once
 * it is spent, else undefined. 429s and 5xx are not counted.
 */
async function chargeRefusal (error: { statusCode?: number }, request: FastifyRequest): Promise<Refusal | undefined> {
  const statusCode = statusOf(error)
  if (request.counted || statusCode === 429 || statusCode >= 500) return undefined
  return await request.server.allowances.charge(request)
}

/** How long a refused body may go on arriving, read and dropped, so that its sender reads the refusal. */
export const UNREAD_BODY_GRACE_MS = 1000

/**
 * A body refused as it was read (not JSON, too large, of another type): Fastify says
 * `Connection: close`, and Node then closes the connection, while the body still arrives when it
 * was not read whole, which resets it before most clients read the answer; and a client that sends
 * such bodies pays a new connection for each (most of their cost, measured by npm run bench). The
 * connection is kept instead; the rest of a body not read whole is read and dropped, for up to
 * UNREAD_BODY_GRACE_MS (the connection is closed then if it has not ended).
 */
function keepConnection (request: FastifyRequest, reply: FastifyReply): void {
  reply.removeHeader('connection')
  if (request.raw.complete) return
  reply.raw.once('finish', () => {
    if (request.raw.complete) return
    setTimeout(() => { if (!request.raw.complete) request.raw.destroy() }, UNREAD_BODY_GRACE_MS).unref()
  })
}

/**
 * What both error handlers (plugins/app/errors.ts, the MCP door's) do first with a refusal: keep
 * the connection, count the refusal if no allowance did, and past the caller's allowance answer
 * the 429 instead, in the handler's own body (`bodyOf`). The reply when it answered, else undefined.
 */
export async function answerPastAllowance (
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
  bodyOf: (refusal: Refusal) => unknown
): Promise<FastifyReply | undefined> {
  keepConnection(request, reply)
  const limited = await chargeRefusal(error, request)
  if (limited === undefined) return undefined
  noteRefusal(request, error.code, limited.message)
  return await reply.code(429).headers(limited.details.headers as Record<string, number>).send(bodyOf(limited))
}

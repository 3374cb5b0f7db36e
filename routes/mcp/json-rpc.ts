/**
 * JSON-RPC at the MCP door: the messages' schema, the error codes, the door's refusals and their
 * rendering as JSON-RPC errors (the HTTP layer's: -32700 for a body that is not JSON, else -32000
 * with the HTTP routes' message); answers written as text; 5xx details stay in the log.
 */
import { Type } from '@sinclair/typebox'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { Refusal, clip, reportServerError, serverFailureMessage, statusOf } from '../../lib/errors.js'
import { noteRefusal } from '../../lib/logging.js'
import { compileStrict } from '../../lib/strict-validator.js'

// JSON-RPC's own codes, and MCP's (ProtocolErrorCode in @modelcontextprotocol/server).
export const PARSE_ERROR = -32700
export const INVALID_REQUEST = -32600
export const METHOD_NOT_FOUND = -32601
export const INVALID_PARAMS = -32602
export const INTERNAL_ERROR = -32603
/** What the HTTP layer refuses (the SDK's transports use it the same way). */
export const SERVER_ERROR = -32000
/** Revision 2026-07-28: a header that disagrees with the body (SEP-2243's HeaderMismatch). */
export const HEADER_MISMATCH = -32020
/** Revision 2026-07-28: a protocol revision the server does not serve. */
export const UNSUPPORTED_VERSION = -32022

export type RequestId = string | number

/**
 * A JSON-RPC 2.0 message as MCP allows it: a request, a notification, a result or an error. An id
 * is a string or an integer that JSON numbers carry exactly (within 2^53): 1.5, 1e400 or 2^60 would
 * come back as another id than the one sent.
 */
const Id = Type.Union([Type.String(), Type.Integer({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER })])
const Params = Type.Optional(Type.Record(Type.String(), Type.Unknown()))
export const JsonRpcMessage = Type.Union([
  Type.Object({ jsonrpc: Type.Literal('2.0'), id: Id, method: Type.String(), params: Params }),
  // A notification has no id at all (an `id` of another type is not a notification but a broken request).
  Type.Object({ jsonrpc: Type.Literal('2.0'), id: Type.Optional(Type.Never()), method: Type.String(), params: Params }),
  Type.Object({ jsonrpc: Type.Literal('2.0'), id: Id, result: Type.Record(Type.String(), Type.Unknown()) }),
  Type.Object({
    jsonrpc: Type.Literal('2.0'),
    id: Type.Optional(Type.Union([Id, Type.Null()])),
    error: Type.Object({ code: Type.Integer(), message: Type.String() })
  })
])

export interface Message { jsonrpc: '2.0', id?: RequestId, method?: string, params?: Record<string, unknown>, result?: unknown, error?: unknown }

/** Whether a parsed body is one JSON-RPC message (checked without changing it). */
export const isMessage = compileStrict<Message>('json-rpc message', JsonRpcMessage)

export const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)

/** A value's kind, as the door's messages say what they got. */
export const kindOf = (value: unknown): string =>
  value === undefined ? 'nothing' : value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`

/** Whether an id is one a message may carry: a string, or an integer within 2^53. */
export const isRequestId = (id: unknown): id is RequestId => typeof id === 'string' || Number.isSafeInteger(id)

/** A message's id, when it has one a message may carry (whatever else it holds), else null. */
export const idOf = (body: unknown): RequestId | null => {
  const id = body !== null && typeof body === 'object' ? (body as { id?: unknown }).id : undefined
  return isRequestId(id) ? id : null
}

/** The request id an error can answer with: a message's own, when it names a method and has one. */
export const echoId = (body: unknown): RequestId | null =>
  typeof (body as { method?: unknown } | null)?.method === 'string' ? idOf(body) : null

export function jsonRpcError (code: number, message: string, id: RequestId | null = null, data?: unknown) {
  return { jsonrpc: '2.0' as const, error: { code, message, ...(data !== undefined ? { data } : {}) }, id }
}

/** A refusal as a JSON-RPC error: its own code, else the HTTP layer's (-32000), and its data. */
export const rpcErrorOf = (refusal: Refusal, id: RequestId | null = null) =>
  jsonRpcError(refusal.details.rpcCode ?? SERVER_ERROR, refusal.message, id, refusal.details.data)

/** The door's own refusals of a message, each with its JSON-RPC code (JSON-RPC's, or MCP's). */
export const rpcRefusals = {
  /** Not a JSON-RPC message the door takes (-32600). */
  invalidRequest: (message: string): Refusal => new Refusal(400, message, undefined, { rpcCode: INVALID_REQUEST }),
  /** Params a method cannot take (-32602). */
  invalidParams: (message: string, data?: unknown): Refusal => new Refusal(400, message, undefined, { rpcCode: INVALID_PARAMS, data }),
  /** Revision 2026-07-28: a header that disagrees with the body (-32020). */
  headerMismatch: (header: string, body: string): Refusal => new Refusal(400, `Bad Request: the request headers and body disagree: ${body}`,
    undefined, { rpcCode: HEADER_MISMATCH, data: { mismatch: { header, body } } }),
  /** Revision 2026-07-28: a revision the door does not serve (-32022), naming the ones it does. */
  unsupportedVersion: (requested: string, supported: readonly string[]): Refusal => new Refusal(400, `Unsupported protocol version: ${requested}`,
    undefined, { rpcCode: UNSUPPORTED_VERSION, data: { supported: [...supported], requested } }),
  /** What the HTTP layer refuses (-32000, as the SDK's transports say it). */
  transport: (statusCode: number, message: string): Refusal => new Refusal(statusCode, message)
}

/** A body that is no JSON-RPC message the door takes (-32600). */
export const NOT_A_MESSAGE = rpcRefusals.invalidRequest('Bad Request: the request body is not a valid JSON-RPC message')

/** The refusal of a body that is not one JSON-RPC message whose params' _meta, if any, is an object; else undefined. */
export function envelopeRefusalOf (body: unknown): Refusal | undefined {
  const params = isObject(body) ? body.params : undefined
  if (isObject(params) && params._meta !== undefined && !isObject(params._meta)) {
    return rpcRefusals.invalidParams(`params._meta must be an object of metadata by key (got ${kindOf(params._meta)}).`)
  }
  return isMessage(body) ? undefined : NOT_A_MESSAGE
}

/** A result answer, its result already JSON (made once, for the lists; or around an action's answer). */
export const resultText = (id: RequestId, result: string): string => `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${result}}`

/** An error answer as text. */
export const errorText = (code: number, message: string, id: RequestId | null, data?: unknown): string => JSON.stringify(jsonRpcError(code, message, id, data))

const NOT_JSON = new Set(['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY'])
const NOT_JSON_BODY = new Refusal(400, 'The body is not valid JSON: send one JSON-RPC message, such as {"jsonrpc":"2.0","id":1,"method":"tools/list"}.',
  undefined, { rpcCode: PARSE_ERROR })
const NOT_JSON_TYPE = rpcRefusals.transport(415, 'Unsupported Media Type: Content-Type must be application/json')

export function jsonRpcErrorHandler (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const statusCode = statusOf(error)
  if (statusCode >= 500) {
    return reply.code(statusCode).send(jsonRpcError(INTERNAL_ERROR, reportServerError(error, statusCode, request, reply) ??
      serverFailureMessage(statusCode, request.id)))
  }
  const message = clip(error.message)
  noteRefusal(request, error.code, message)
  const refusal = NOT_JSON.has(error.code)
    ? NOT_JSON_BODY
    : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? NOT_JSON_TYPE : rpcRefusals.transport(statusCode, message)
  return reply.code(refusal.statusCode).send(rpcErrorOf(refusal))
}

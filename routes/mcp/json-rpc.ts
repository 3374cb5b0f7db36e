/**
 * Every refusal at the MCP door as a JSON-RPC error, which MCP clients read, instead of the HTTP
 * routes' JSON: a body that is not JSON is -32700 (parse error), anything else the HTTP layer
 * refuses (no API key, too many calls, a wrong content type) is -32000 with the same message the
 * HTTP routes give. 5xx details stay in the log.
 */
import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { clip, reportServerError } from '../../plugins/app/errors.js'

// JSON-RPC's own codes (the SDK has them too, but it is loaded only on the first MCP call).
export const PARSE_ERROR = -32700
export const INVALID_REQUEST = -32600
export const INVALID_PARAMS = -32602
export const INTERNAL_ERROR = -32603

export function jsonRpcError (code: number, message: string, id: string | number | null = null) {
  return { jsonrpc: '2.0' as const, error: { code, message }, id }
}

const NOT_JSON = new Set(['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY'])

export function jsonRpcErrorHandler (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const statusCode = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500
  if (statusCode >= 500) {
    return reply.code(statusCode).send(jsonRpcError(INTERNAL_ERROR, reportServerError(error, statusCode, request, reply) ??
      `Something went wrong on the server (${STATUS_CODES[statusCode]}); try again. If it keeps failing, report request id ${request.id}.`))
  }
  const message = clip(error.message)
  request.log.info({ code: error.code, message }, 'request refused')
  if (NOT_JSON.has(error.code)) {
    return reply.code(400).send(jsonRpcError(PARSE_ERROR, 'The body is not valid JSON: send one JSON-RPC message, such as {"jsonrpc":"2.0","id":1,"method":"tools/list"}.'))
  }
  return reply.code(statusCode).send(jsonRpcError(-32000, message))
}

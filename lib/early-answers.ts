/**
 * Answers that Node and Fastify give before any route or hook runs (a request that is not valid
 * HTTP, headers too large, a request too slow to arrive, a URL that cannot be decoded): the same
 * JSON shape, message style and security headers as every other answer.
 */
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify'
import { clip, errorBody, quoted } from './errors.js'
import { noteRefusal } from './logging.js'
import { API_HEADERS } from './security-headers.js'

const CLIENT_ERRORS: Record<string, { statusCode: number, message: string }> = {
  HPE_HEADER_OVERFLOW: { statusCode: 431, message: 'The request headers are too large: send fewer or shorter headers (16 KB at most).' },
  ERR_HTTP_REQUEST_TIMEOUT: { statusCode: 408, message: 'The request took too long to arrive: send it again, whole.' }
}
const NOT_HTTP = { statusCode: 400, message: 'The request is not valid HTTP/1.1: check the request line and headers.' }

const headerLines = Object.entries(API_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`).join('')

/** How long a client gets to read an early answer before its connection is closed. */
const READ_GRACE_MS = 1000

/** Node's client errors, answered on the raw socket (no request object exists yet). */
export const clientErrorHandler: FastifyServerOptions['clientErrorHandler'] = (error: Error & { code?: string }, socket: Socket) => {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  if (!socket.writable) {
    socket.destroy()
    return
  }
  const { statusCode, message } = CLIENT_ERRORS[error.code ?? ''] ?? NOT_HTTP
  const body = JSON.stringify(errorBody(statusCode, message))
  // Ended, then closed a moment later, rather than destroyed at once: a connection closed with
  // input still unread (a body still trickling in) is reset, and the reset can drop the answer
  // before the client reads it.
  socket.end(`HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ` +
    `${Buffer.byteLength(body)}\r\n${headerLines}connection: close\r\n\r\n${body}`)
  setTimeout(() => socket.destroy(), READ_GRACE_MS).unref()
}

/** Fastify's own refusals before routing (a URL it cannot decode, a bad content type). */
export function frameworkErrors (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const statusCode = error.statusCode ?? 400
  const message = error.code === 'FST_ERR_BAD_URL'
    ? `The URL ${quoted(request.url)} is not valid: encode "%" as %25 and other special characters as %XX.`
    : clip(error.message)
  noteRefusal(request, error.code, message)
  reply.headers(API_HEADERS).code(statusCode).send(errorBody(statusCode, message))
}

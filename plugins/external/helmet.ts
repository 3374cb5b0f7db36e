/**
 * The security headers on every answer, and the hook that adds the document set to the routes that
 * answer HTML (the headers: lib/security-headers.ts; why not @fastify/helmet: docs/decisions.md).
 */
import type { onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { API_HEADERS, DOCUMENT_HEADERS } from '../../lib/security-headers.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The hook of a route that answers HTML: it adds the security headers meant for documents. */
    documentHeaders: onRequestHookHandler
  }
}

const addHeaders = (headers: Record<string, string>): onRequestHookHandler => (_request, reply, done) => {
  reply.headers(headers)
  done()
}

export default fp(async fastify => {
  // For every answer, not-found ones included (a route-level hook would miss those).
  fastify.addHook('onRequest', addHeaders(API_HEADERS))
  // Added by the routes that answer HTML (the pages, Swagger UI's), each naming it.
  fastify.decorate('documentHeaders', addHeaders(DOCUMENT_HEADERS))
}, { name: 'helmet', fastify: '5.x' })

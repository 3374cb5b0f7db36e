/**
 * Security headers, chosen by helmet, in two sets.
 *
 * - Every answer gets the set OWASP's REST Security Cheat Sheet lists for API responses: a CSP that
 *   allows nothing and no framing, HSTS, nosniff, X-Frame-Options DENY, Cross-Origin-Resource-Policy,
 *   and Cache-Control no-store (easy and medium answers are random: a cache must not replay them).
 * - Routes that answer HTML (the setup and privacy pages, Swagger UI under /docs) also get helmet's
 *   whole default set for documents, with a CSP that allows only this origin's scripts (Swagger UI
 *   and the setup page load theirs as files) and no upgrade-insecure-requests, which would break the
 *   pages on plain-http localhost (TLS is the platform's job; HSTS stays on).
 *
 * The document-only headers (Referrer-Policy, Origin-Agent-Cluster, Cross-Origin-Opener-Policy,
 * X-DNS-Prefetch-Control, X-Download-Options, X-Permitted-Cross-Domain-Policies, X-XSS-Protection)
 * tell a browser how to treat a page; on JSON they do nothing, and each header costs every answer
 * time in Node's header writing (docs/performance.md has the count).
 *
 * The headers are the same for every answer of a kind (no nonces), so helmet computes them once at
 * boot and hooks copy them onto each reply; @fastify/helmet instead rebuilds helmet's middleware and
 * parses the CSP on every request, which costs every answer more than its headers do.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'

declare module 'fastify' {
  interface FastifyInstance {
    /** The hook of a route that answers HTML: it adds the security headers meant for documents. */
    documentHeaders: onRequestHookHandler
  }
}

/** What every answer carries. */
export const API_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] } },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xFrameOptions: { action: 'deny' },
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false
}

/** What HTML answers carry on top (overriding the CSP and X-Frame-Options above). */
export const DOCUMENT_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      'script-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'upgrade-insecure-requests': null
    }
  }
}

/** The headers helmet sets for these options, captured from one run of its middleware. */
export function securityHeaders (options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const response = {
    setHeader: (name: string, value: string) => { headers[name.toLowerCase()] = value },
    removeHeader: (name: string) => { delete headers[name.toLowerCase()] }
  }
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, () => {})
  return headers
}

/** Every answer's headers, computed once; also written by the server options on answers Node and Fastify make before any hook runs. */
export const API_HEADERS: Readonly<Record<string, string>> = { ...securityHeaders(API_OPTIONS), 'cache-control': 'no-store' }

const addHeaders = (headers: Record<string, string>): onRequestHookHandler => (_request, reply, done) => {
  reply.headers(headers)
  done()
}

export default fp(async fastify => {
  // For every answer, not-found ones included (a route-level hook would miss those).
  fastify.addHook('onRequest', addHeaders(API_HEADERS))
  // Added by the routes that answer HTML (the pages, Swagger UI's), each naming it.
  fastify.decorate('documentHeaders', addHeaders(securityHeaders(DOCUMENT_OPTIONS)))
}, { name: 'helmet', fastify: '5.x' })

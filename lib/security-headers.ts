/**
 * The security headers, chosen by helmet and computed once (no nonces): API_HEADERS on every answer
 * (OWASP's REST set, and no-store: easy and medium answers are random), DOCUMENT_HEADERS on HTML.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import helmet, { type HelmetOptions } from 'helmet'

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

/** Every answer's headers. */
export const API_HEADERS: Readonly<Record<string, string>> = { ...securityHeaders(API_OPTIONS), 'cache-control': 'no-store' }

/** What HTML answers add (the pages, Swagger UI's). */
export const DOCUMENT_HEADERS: Readonly<Record<string, string>> = securityHeaders(DOCUMENT_OPTIONS)

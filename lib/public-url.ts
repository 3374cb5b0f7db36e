/**
 * The address the service is reached at, for the document's `servers` entry and the setup page:
 * PUBLIC_URL when set; else what the caller used, as told by a proxy's X-Forwarded-Proto and
 * X-Forwarded-Host (these only shape the answer to that same caller, so they are safe to read).
 */
import type { FastifyRequest } from 'fastify'
import { quoted } from './errors.js'

function firstHeader (request: FastifyRequest, name: string): string | undefined {
  // Node joins repeated x-forwarded-* headers with ", ": the first value is the client's side.
  const first = (request.headers[name] as string | undefined)?.split(',')[0].trim()
  return first === '' ? undefined : first
}

export function publicUrl (request: FastifyRequest): string {
  const configured = request.server.config.PUBLIC_URL
  if (configured !== undefined) return configured
  const proto = firstHeader(request, 'x-forwarded-proto') ?? request.protocol
  const host = firstHeader(request, 'x-forwarded-host') ?? request.host
  try {
    return new URL(`${proto === 'https' ? 'https' : 'http'}://${host}`).origin
  } catch {
    throw Object.assign(new Error(`The host ${quoted(host)} is not a host name: call with a valid Host header, or set PUBLIC_URL.`), { statusCode: 400 })
  }
}

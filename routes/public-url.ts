/**
 * The address the service is reached at, for the document's `servers` entry and the setup page:
 * PUBLIC_URL when set; else what the caller used, as told by a proxy's X-Forwarded-Proto and
 * X-Forwarded-Host (these only shape the answer to that same caller, so they are safe to read).
 */
import type { FastifyRequest } from 'fastify'

function firstHeader (request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  const first = (Array.isArray(value) ? value[0] : value)?.split(',')[0].trim()
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
    return `http://${request.socket.localAddress ?? '127.0.0.1'}:${request.socket.localPort ?? ''}`
  }
}

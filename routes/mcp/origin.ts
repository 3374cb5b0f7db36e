/**
 * DNS-rebinding protection at the MCP door: Host must name this service and Origin, when sent, be
 * allowed; a refusal is a 403 charged to no allowance (the rules and why: docs/decisions.md).
 */
import { isIP } from 'node:net'
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify'
import { clip, quoted } from '../../lib/errors.js'
import { type Config, listOf } from '../../plugins/config.js'
import { rpcErrorOf, rpcRefusals } from './json-rpc.js'

export function isLoopback (host: string): boolean {
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return host === '::1'
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]']

export function allowedHosts (config: Config): string[] {
  return [
    ...(config.PUBLIC_URL !== undefined ? [new URL(config.PUBLIC_URL).hostname] : []),
    ...(isLoopback(config.HOST) ? LOOPBACK_NAMES : []),
    ...listOf(config.ALLOWED_HOSTS)
  ]
}

/** The URL's host name without its port (IPv6 in brackets), or undefined when it is not a URL. */
function hostnameOf (url: string): string | undefined {
  try {
    return new URL(url).hostname
  } catch {
    return undefined
  }
}

/** The Host's refusal, or undefined when it names this service. */
function hostProblem (hosts: string[], request: FastifyRequest): string | undefined {
  // No Host at all (HTTP/1.0) reads as an empty one, which is no host name.
  const host = request.headers.host ?? ''
  const hostname = hostnameOf(`http://${host}`)
  if (hostname !== undefined && hosts.includes(hostname)) return undefined
  const got = hostname === undefined ? `Invalid Host header: ${quoted(host)}` : `Invalid Host: ${clip(hostname, 80)}`
  return `${got}. This MCP server answers to ${hosts.join(', ')}: set PUBLIC_URL or add the name to ALLOWED_HOSTS.`
}

/** The Origin's refusal, or undefined when there is none (server to server) or it may call. */
function originProblem (hosts: string[], origins: string[], request: FastifyRequest): string | undefined {
  const origin = request.headers.origin
  if (origin === undefined) return undefined
  const hostname = hostnameOf(origin)
  // With no host list, the same site is the host the request itself was sent to.
  const sameSite = hosts.length > 0 ? hosts : [request.hostname.toLowerCase()]
  if (origins.includes(origin.toLowerCase()) || (hostname !== undefined && sameSite.includes(hostname))) return undefined
  return `Origin ${quoted(origin)} is not allowed to call this MCP server: add it to ALLOWED_ORIGINS.`
}

export function dnsRebindingProtection (fastify: FastifyInstance): void {
  const { config } = fastify
  const hosts = allowedHosts(config)
  const origins = listOf(config.ALLOWED_ORIGINS)
  if (hosts.length === 0) {
    fastify.log.warn('MCP door: the Host header is not checked (listening on all addresses with no PUBLIC_URL): set PUBLIC_URL or ALLOWED_HOSTS.')
  }
  const guard: onRequestHookHandler = (request, reply, done) => {
    const problem = (hosts.length > 0 ? hostProblem(hosts, request) : undefined) ?? originProblem(hosts, origins, request)
    if (problem === undefined) return done()
    request.counted = true
    reply.code(403).send(rpcErrorOf(rpcRefusals.transport(403, problem)))
  }
  fastify.addHook('onRequest', guard)
}

/**
 * Who may call the MCP door, against DNS rebinding: Host must name this service and Origin, when
 * sent, be allowed (a 403 charged to no allowance); and which pages may read its answers (CORS).
 */
import { isIP } from 'node:net'
import cors from '@fastify/cors'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { Refusal, clip, quoted } from '../../lib/errors.js'
import { type Config, listOf } from '../config.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The refusal of a request to the MCP door whose Host or Origin may not call it, else undefined. */
    hostCheck: (request: FastifyRequest) => Refusal | undefined
  }
}

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

export default fp(async fastify => {
  const { config } = fastify
  const hosts = allowedHosts(config)
  const origins = listOf(config.ALLOWED_ORIGINS)
  if (hosts.length === 0) {
    fastify.log.warn('MCP door: the Host header is not checked (listening on all addresses with no PUBLIC_URL): set PUBLIC_URL or ALLOWED_HOSTS.')
  }
  fastify.decorate('hostCheck', (request: FastifyRequest): Refusal | undefined => {
    const problem = (hosts.length > 0 ? hostProblem(hosts, request) : undefined) ?? originProblem(hosts, origins, request)
    return problem === undefined ? undefined : new Refusal(403, problem)
  })
}, { name: 'host-check', fastify: '5.x', dependencies: ['config'] })

/**
 * The door's CORS, registered in its context after the Host and Origin check: hosts that run in a web
 * page (the ext-apps basic-host, the MCP Inspector's direct mode, Microsoft 365's widget host) on
 * ALLOWED_ORIGINS; a preflight carries no credentials and counts as a message does.
 */
export const doorCors = fp(async door => {
  const origins = listOf(door.config.ALLOWED_ORIGINS)
  if (origins.length === 0) return
  door.addHook('onRequest', (request, reply, done) =>
    request.method === 'OPTIONS' ? door.allowances.client.call(door, request, reply, done) : done())
  await door.register(cors, {
    origin: origins,
    // GET and DELETE too, so a page reads the 405 that says the server keeps no stream or session.
    methods: ['POST', 'GET', 'DELETE'],
    allowedHeaders: ['content-type', 'accept', 'authorization', 'mcp-protocol-version', 'mcp-method', 'mcp-name', 'last-event-id'],
    exposedHeaders: ['www-authenticate'],
    maxAge: 7200
  })
}, { name: 'mcp-door-cors', fastify: '5.x' })

/**
 * DNS-rebinding protection for the MCP door, as the spec asks of Streamable HTTP servers: a web
 * page that gets its own name to resolve to this server must not reach the tools from a browser.
 * - Host must name this service: PUBLIC_URL's host, the loopback names when it listens on a
 *   loopback address, or one of ALLOWED_HOSTS. With none of those known (listening on all
 *   addresses with no PUBLIC_URL) any Host is taken, and a warning at start says how to close it.
 * - Origin, when sent (browsers send it; ChatGPT and Claude call server to server without it),
 *   must be one of ALLOWED_ORIGINS, or have one of the allowed hosts (the same site).
 * A refusal is 403 with a JSON-RPC error, with a message that says which setting lets a name in.
 * (The MCP SDK and its Fastify helper have the same Host check, port-agnostic, written the same
 * way here: importing them would load the whole SDK at start, which the door otherwise loads on
 * its first call.)
 */
import { isIP } from 'node:net'
import type { FastifyInstance, onRequestHookHandler } from 'fastify'
import { clip, quoted } from '../../plugins/app/errors.js'
import { type Config, listOf } from '../../plugins/config.js'
import { jsonRpcError } from './json-rpc.js'

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

function hostValidation (hosts: string[]): onRequestHookHandler {
  return (request, reply, done) => {
    // No Host at all (HTTP/1.0) reads as an empty one, which is no host name.
    const host = request.headers.host ?? ''
    const hostname = hostnameOf(`http://${host}`)
    if (hostname !== undefined && hosts.includes(hostname)) return done()
    const got = hostname === undefined ? `Invalid Host header: ${quoted(host)}` : `Invalid Host: ${clip(hostname, 80)}`
    reply.code(403).send(jsonRpcError(-32000, `${got}. This MCP server answers to ${hosts.join(', ')}: set PUBLIC_URL or add the name to ALLOWED_HOSTS.`))
  }
}

function originValidation (hosts: string[], origins: string[]): onRequestHookHandler {
  return (request, reply, done) => {
    const origin = request.headers.origin
    if (origin === undefined) return done()
    const hostname = hostnameOf(origin)
    // With no host list, the same site is the host the request itself was sent to.
    const sameSite = hosts.length > 0 ? hosts : [request.hostname.toLowerCase()]
    if (origins.includes(origin.toLowerCase()) || (hostname !== undefined && sameSite.includes(hostname))) return done()
    reply.code(403).send(jsonRpcError(-32000, `Origin ${quoted(origin)} is not allowed to call this MCP server: add it to ALLOWED_ORIGINS.`))
  }
}

export function dnsRebindingProtection (fastify: FastifyInstance): void {
  const { config } = fastify
  const hosts = allowedHosts(config)
  if (hosts.length > 0) fastify.addHook('onRequest', hostValidation(hosts))
  else fastify.log.warn('MCP door: the Host header is not checked (listening on all addresses with no PUBLIC_URL): set PUBLIC_URL or ALLOWED_HOSTS.')
  fastify.addHook('onRequest', originValidation(hosts, listOf(config.ALLOWED_ORIGINS)))
}

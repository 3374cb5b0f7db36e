/**
 * Who is calling, for both doors: the client's address behind proxies, and the player a call counts
 * for (a signed-in subject, a host's player id a door hands over, or the address); the rules and why:
 * docs/decisions.md, "Who calls".
 */
import { hash } from 'node:crypto'
import type { FastifyRequest, onRequestHookHandler, preHandlerHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { normalizeIP } from '@fastify/rate-limit'
import type { Config } from '../config.js'
import { listOf, networksOf } from '../config.js'

export type ProxyTrust = boolean | string[] | ((address: string, hop: number) => boolean)

/**
 * TRUST_PROXY as Fastify takes it. A hop count trusts the nearest N hops whatever their address:
 * the last N entries of X-Forwarded-For are taken as written by proxies, so the entry before them
 * is the client. That is right where nothing but the proxies can reach the service (Cloud Run, a
 * container published only through its proxy); where other machines can reach it directly, a list
 * of the proxies' addresses is safer, since a caller that skips the proxy could then write the
 * entries itself. Fastify 5.12 reads a number as "trust nothing" (it fails closed,
 * `getTrustProxyFn`), so the count is given to it as the function proxy-addr calls with each
 * address and its hop number, as Express compiles a count.
 */
export function proxyTrust (setting: Config['TRUST_PROXY']): ProxyTrust {
  if (typeof setting === 'string') return listOf(setting)
  if (typeof setting === 'number') return (_address, hop) => hop < setting
  return setting
}

/** The MCP `_meta` key under which ChatGPT names the person (OpenAI Apps SDK reference). */
export const HOST_SUBJECT_META = 'openai/subject'
/** The header GPT actions name the person with. */
export const HOST_PLAYER_HEADER = 'openai-ephemeral-user-id'

/**
 * What a call counts as:
 * - `subject`: a signed-in person;
 * - `player`: a host's player id that can be believed;
 * - `unverified`: a player id that cannot (counted apart, under its address's ceiling);
 * - `shared`: everyone calling through one trusted address without naming anyone;
 * - `address`: an address (or IPv6 /64) that names no one.
 */
export type CallerKind = 'subject' | 'player' | 'unverified' | 'shared' | 'address'

export interface Caller {
  kind: CallerKind
  /** The address (IPv4, or an IPv6 /64), for the counts that are per address. */
  address: string
  /** The counter of the caller's plays: one per player, as `kind` says. */
  playKey: string
  /** The counter of the caller's other calls (pages, the MCP door's own messages): ids never multiply it. */
  clientKey: string
  /**
   * The counter of the caller's refused calls (bad credentials, a refused Origin): an id is believed
   * here only from TRUSTED_NETWORKS, since a key that was refused proves nothing.
   */
  refusedKey: string
  /** The host's player id as sent, when one was (believed or not). */
  hostId?: string
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person (an access token's `sub`), or null. */
    subject: string | null
    /**
     * The host's player id as the door read it (`playerIdOf`): a GPT action's header, a tool
     * call's `_meta`; null where none was read.
     */
    hostId: string | null
    /** Who this call is from, once asked (`fastify.callerOf`). */
    caller: Caller | null
  }
  interface FastifyInstance {
    /** Who this call is from (computed once per request). */
    callerOf: (request: FastifyRequest) => Caller
    /** Records the request's signed-in subject (plugins/app/auth.ts), before the caller is asked. */
    signedIn: (request: FastifyRequest, subject: string) => void
  }
}

const cut = (id: string): string => id.slice(0, 200)

/** The longest id written into a counter's key as it is; a longer one is written as its hash. */
export const KEY_ID_MAX = 64

/**
 * An id as a counter's key writes it: as it is when short, else a hash of it (43 characters), so
 * no key, in memory or in Redis, grows with what a caller sends (a subject may be 255 characters).
 */
export const keyId = (id: string): string => id.length <= KEY_ID_MAX ? id : `#${hash('sha256', id, 'base64url')}`

/**
 * A host's player id as a door hands it over, from where that door's host writes it (each door its
 * own: a tool call naming someone in the GPT's header would spend their moves): a non-empty text,
 * cut to 200 characters, else null.
 */
export const playerIdOf = (value: unknown): string | null => typeof value === 'string' && value !== '' ? cut(value) : null

/** The GPT door's hook: the player id of its header, read before the credentials are (a refusal is charged to it). */
export const readPlayerHeader: onRequestHookHandler = (request, _reply, done) => {
  request.hostId = playerIdOf(request.headers[HOST_PLAYER_HEADER])
  done()
}

/** The MCP door's hook: the player id a host names in a message's `_meta` (ChatGPT's `openai/subject`), once the body is read. */
export const readPlayerMeta: preHandlerHookHandler = (request, _reply, done) => {
  request.hostId = playerIdOf((request.body as { params?: { _meta?: Record<string, unknown> } } | null)?.params?._meta?.[HOST_SUBJECT_META])
  done()
}

// (Named caller-identity: fastify-plugin reads a property named after the plugin off its function,
// and `caller` is one that strict-mode functions refuse.)
export default fp(async fastify => {
  const { API_KEY, TRUSTED_NETWORKS } = fastify.config
  const trusted = networksOf(TRUSTED_NETWORKS)
  const hasTrustedNetworks = TRUSTED_NETWORKS !== undefined
  const fromTrustedNetwork = (request: FastifyRequest): boolean =>
    hasTrustedNetworks && trusted.check(request.ip, request.ip.includes(':') ? 'ipv6' : 'ipv4')

  fastify.decorateRequest('subject', null)
  // Decorated, so every request has the same shape whether they are set or not.
  fastify.decorateRequest('hostId', null)
  fastify.decorateRequest('caller', null)
  // Worked out once, when first asked: on an answered call, once the door has read the player id
  // and the credentials; a call refused before that is the caller it is then.
  fastify.decorate('callerOf', (request: FastifyRequest): Caller => {
    if (request.caller !== null) return request.caller
    const address = normalizeIP(request.ip)
    const hostId = request.hostId ?? undefined
    let caller: Caller
    if (request.subject !== null) {
      const subject = keyId(request.subject)
      caller = {
        kind: 'subject',
        address,
        ...(hostId !== undefined ? { hostId } : {}),
        playKey: `sub:${subject}`,
        clientKey: `sub:${subject}`,
        refusedKey: `ip:${address}`
      }
    } else if (hostId !== undefined && (API_KEY !== undefined || fromTrustedNetwork(request))) {
      // With the API key, the key proves the call comes from the GPT it was given to.
      const id = `user:${keyId(hostId)}`
      caller = { kind: 'player', address, hostId, playKey: id, clientKey: id, refusedKey: fromTrustedNetwork(request) ? id : `ip:${address}` }
    } else if (hostId !== undefined) {
      caller = { kind: 'unverified', address, hostId, playKey: `id:${address}:${keyId(hostId)}`, clientKey: `ip:${address}`, refusedKey: `ip:${address}` }
    } else if (fromTrustedNetwork(request)) {
      caller = { kind: 'shared', address, playKey: `shared:${address}`, clientKey: `shared:${address}`, refusedKey: `shared:${address}` }
    } else {
      caller = { kind: 'address', address, playKey: `ip:${address}`, clientKey: `ip:${address}`, refusedKey: `ip:${address}` }
    }
    request.caller = caller
    return caller
  })
  fastify.decorate('signedIn', (request: FastifyRequest, subject: string) => {
    request.subject = subject
  })
}, { name: 'caller-identity', fastify: '5.x', dependencies: ['config'] })

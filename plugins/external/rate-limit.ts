/**
 * Rate limiting, per minute: RATE_LIMIT_MAX calls to the actions per player, and a separate, ten
 * times larger allowance per client for everything else (pages, docs, the document, /health, the
 * MCP door itself), so reading the docs or connecting an MCP client never uses up a player's moves.
 *
 * Who the player is: ChatGPT calls from a few shared addresses and names the person with the
 * `openai-ephemeral-user-id` header, but anyone can send that header. It is believed only when the
 * call is known to come from the GPT: with API_KEY set (the key was checked before this runs) or
 * from TRUSTED_NETWORKS (OpenAI's published egress ranges). Otherwise the id still gets its own
 * counter, under a ceiling for its address of ten times the player's allowance, so rotating ids
 * buys at most that. Without an id, the player is the address.
 *
 * (Numbers, not functions, for the allowances: @fastify/rate-limit awaits a function on every call.)
 */
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { isAction } from '../app/actions.js'
import { networksOf } from '../config.js'

export const OPEN_ROUTES_FACTOR = 10
/** How many players' allowances one address may spend with ids that cannot be believed. */
export const ADDRESS_CEILING_FACTOR = 10

const playerId = (request: FastifyRequest): string | undefined => {
  const id = request.headers['openai-ephemeral-user-id']
  return typeof id === 'string' && id !== '' ? id.slice(0, 200) : undefined
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Whether this call's `openai-ephemeral-user-id` can be believed (see above). */
    trustsPlayerId: (request: FastifyRequest) => boolean
  }
}

/** The counter a call goes to: the player for an action, the client's address for the rest. */
export function callerKey (fastify: FastifyInstance, request: FastifyRequest): string {
  const id = playerId(request)
  if (id === undefined || !isAction(request)) return `ip:${request.ip}`
  return fastify.trustsPlayerId(request) ? `user:${id}` : `id:${request.ip}:${id}`
}

const tooMany = (max: number, who: string, seconds: number): Error & { statusCode: number } =>
  Object.assign(new Error(`Too many calls: at most ${max} a minute ${who}. Wait ${seconds} seconds, then try again.`), { statusCode: 429 })

export default fp(async fastify => {
  const { API_KEY, RATE_LIMIT_MAX: max, TRUSTED_NETWORKS } = fastify.config
  const trusted = networksOf(TRUSTED_NETWORKS)
  const hasTrustedNetworks = TRUSTED_NETWORKS !== undefined
  fastify.decorate('trustsPlayerId', (request: FastifyRequest) =>
    API_KEY !== undefined || (hasTrustedNetworks && trusted.check(request.ip, request.ip.includes(':') ? 'ipv6' : 'ipv4')))

  // An action gets its own counter (a route-level limit is a store of its own) with the players'
  // allowance, and the address ceiling; every other route shares the larger allowance.
  fastify.addHook('onRoute', route => {
    if (route.config?.action !== undefined) route.config = { ...route.config, rateLimit: { max } }
  })
  await fastify.register(rateLimit, {
    max: max * OPEN_ROUTES_FACTOR,
    timeWindow: 60_000,
    // With REDIS_URL the counts are shared by every replica; a Redis error lets the call through.
    ...(fastify.redis !== null ? { redis: fastify.redis, nameSpace: 'tictactoe-rate-limit:', skipOnError: true } : {}),
    keyGenerator: request => callerKey(fastify, request),
    // The x-ratelimit-* headers only on a 429 (with Retry-After): ChatGPT reads neither, and
    // three more headers on every answer cost throughput.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    onExceeded: request => fastify.gameMetrics.limited(isAction(request) ? 'player' : 'client'),
    errorResponseBuilder: (request, context) => tooMany(context.max, isAction(request) ? 'per player' : 'per client', Math.ceil(context.ttl / 1000))
  })
  // Added after the plugin's own hook, so the ceiling runs after the player's limit.
  const ceilingHook = addressCeiling()
  fastify.addHook('onRoute', route => {
    // The limiter's own onRoute, which ran first, always leaves an array of hooks on an action.
    if (route.config?.action !== undefined) (route.onRequest as onRequestHookHandler[]).push(ceilingHook)
  })

  /** Spent only by calls whose player id cannot be believed; checked after the player's own limit. */
  function addressCeiling (): onRequestHookHandler {
    const ceiling = max * ADDRESS_CEILING_FACTOR
    const limit = fastify.createRateLimit({ max: ceiling, keyGenerator: request => `ceiling:${request.ip}` })
    // A callback hook that returns at once for most calls (no id, or one that is believed), so
    // they pay no promise; the others wait for the ceiling's store.
    return (request, reply, done) => {
      if (playerId(request) === undefined || fastify.trustsPlayerId(request)) return done()
      limit(request).then(result => {
        if (result.isAllowed || !result.isExceeded) return done()
        fastify.gameMetrics.limited('address')
        reply.header('retry-after', result.ttlInSeconds)
        done(tooMany(ceiling, 'from one address', result.ttlInSeconds))
      }, done)
    }
  }
}, { name: 'rate-limit', fastify: '5.x', dependencies: ['config', 'actions', 'metrics', 'redis'] })

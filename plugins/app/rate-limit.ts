/**
 * The allowances, per minute: each action's per player, and ten times larger per client for everything
 * else (pages, the MCP door's own messages, every refused answer), with @fastify/rate-limit's counters,
 * in memory or in Redis. Who counts as whom: docs/decisions.md, "The allowances".
 */
import rateLimit from '@fastify/rate-limit'
import type { FastifyRequest, preHandlerHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { FifoMap } from 'toad-cache'
import type { Action } from './actions.js'
import { Refusal, refusals, refuseInHook } from '../../lib/errors.js'
import { redisCounts } from '../../lib/redis-counts.js'
import type { Caller } from './caller.js'

/** How many times a player's allowance a client has for everything but moves (pages, MCP messages, refusals). */
export const CLIENT_FACTOR = 10
/** How many players' allowances one address may spend with ids that cannot be believed. */
export const ADDRESS_CEILING_FACTOR = 10
/** Counts kept by each in-memory store (@fastify/rate-limit's LRU; its default is 5,000). */
export const STORE_SIZE = 50_000
const WINDOW_MS = 60_000
/** The prefix of every count in Redis. */
export const REDIS_NAMESPACE = 'ttt:'

/**
 * A player's count key starts with what it counts for in braces, a Redis Cluster hash tag: all the
 * counts one call spends sit in one slot, on one master. Ids that cannot be believed are tagged with
 * their address, as the ceiling they share is.
 */
const tagged = (caller: Caller): string => caller.kind === 'unverified' ? `{ip:${caller.address}}${caller.playKey}:` : `{${caller.playKey}}`

declare module 'fastify' {
  interface FastifyInstance {
    allowances: {
      /** Spends an action call from the caller's allowance: undefined, or the 429 that says how long to wait. */
      play: (action: Action, request: FastifyRequest, caller: Caller) => Promise<Refusal | undefined>
      /** Counts a message at the MCP door (or a preflight, or a 404) against the client's allowance. */
      client: preHandlerHookHandler
      /**
       * Counts the request against the client's allowance (everything but moves), once (a request
       * already counted is not counted again): the 429 once it is spent, else undefined.
       */
      charge: (request: FastifyRequest) => Promise<Refusal | undefined>
      refused: {
        /** Counts a call refused for its credentials: the 429 once the sender's are spent, else undefined (the refusal stands). */
        count: (request: FastifyRequest) => Promise<Refusal | undefined>
      }
    }
  }
  interface FastifyRequest {
    /** Whether the request was counted against an allowance already. */
    counted: boolean
  }
}

const tooManyMessage = (max: number, who: string, seconds: number): string =>
  `Too many calls: at most ${max} a minute ${who}. Wait ${seconds} seconds, then try again.`

/** A count as a limiter reports it (`isAllowed` only ever for an allow list, which these have none of). */
type Limit = Extract<Awaited<ReturnType<ReturnType<FastifyRequest['server']['createRateLimit']>>>, { isAllowed: false }>

/** The headers of a 429, as @fastify/rate-limit's own hook writes them. */
const limitHeaders = (limit: Limit): Record<string, number> => ({
  'x-ratelimit-limit': limit.max,
  'x-ratelimit-remaining': 0,
  'x-ratelimit-reset': limit.ttlInSeconds,
  'retry-after': limit.ttlInSeconds
})

export default fp(async fastify => {
  const { RATE_LIMIT_MAX: max, TRUSTED_ADDRESS_MAX, TRUSTED_NETWORKS } = fastify.config
  const sharedMax = TRUSTED_ADDRESS_MAX ?? max * ADDRESS_CEILING_FACTOR
  const { callerOf, gameMetrics } = fastify
  // The allowance of a caller's counter: shared by everyone behind a trusted address, or one
  // caller's, as the caller's kind says (never read from the key, which holds what a caller sent).
  // Numbers where no address is shared: @fastify/rate-limit awaits a function on every call.
  const allowance = (factor: number): number | ((request: FastifyRequest) => number) =>
    TRUSTED_NETWORKS === undefined ? max * factor : request => (callerOf(request).kind === 'shared' ? sharedMax : max) * factor
  const clientMax = allowance(CLIENT_FACTOR)
  const whose = (caller: Caller, player: boolean): string => caller.kind === 'shared'
    ? 'for everyone calling from this address without signing in'
    : player ? 'per player' : 'per client'

  // Every route but the actions and the MCP door (counted below): pages, docs, the document, /health.
  await fastify.register(rateLimit, {
    max: clientMax,
    timeWindow: WINDOW_MS,
    cache: STORE_SIZE,
    // With REDIS_URL the counts are shared by every replica; a Redis error lets the call through.
    ...(fastify.redis !== null ? { store: redisCounts(fastify.redisGuard, REDIS_NAMESPACE), skipOnError: true } : {}),
    keyGenerator: request => {
      request.counted = true
      return `{${callerOf(request).clientKey}}pages`
    },
    // The x-ratelimit-* headers only on a 429 (with Retry-After): ChatGPT reads neither, and
    // three more headers on every answer cost throughput.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    onExceeded: () => gameMetrics.limited('client'),
    errorResponseBuilder: (request, context) => new Refusal(429, tooManyMessage(context.max, whose(callerOf(request), false), Math.ceil(context.ttl / 1000)))
  })

  // (`cache` reaches a limiter's store as it does a route's; the plugin's types omit it here.)
  const limiter = (options: { max: number | ((request: FastifyRequest) => number); key: (request: FastifyRequest) => string }) =>
    fastify.createRateLimit({ max: options.max, timeWindow: WINDOW_MS, cache: STORE_SIZE, keyGenerator: options.key } as Parameters<
      typeof fastify.createRateLimit
    >[0])

  /**
   * The ceiling of ids that cannot be believed, per address: read before the id's own count (a
   * call past the ceiling makes no counter), spent after it (only by calls the id's limit let in).
   */
  const ceiling = max * ADDRESS_CEILING_FACTOR
  const ceilingLimit = limiter({ max: ceiling, key: request => `{ip:${callerOf(request).address}}ceiling` })
  const overCeiling = (limit: Limit): Refusal => {
    gameMetrics.limited('address')
    return refusals.tooManyCalls(tooManyMessage(ceiling, 'from one address', limit.ttlInSeconds), { 'retry-after': limit.ttlInSeconds })
  }

  // Each action counts apart, as a route of its own would; the key names the action so the
  // actions' counts never meet in Redis.
  const playLimits = new Map<Action, ReturnType<typeof limiter>>()
  const playLimitOf = (action: Action) => {
    let limit = playLimits.get(action)
    if (limit === undefined) {
      const route = `${action.method}${action.url}`
      limit = limiter({ max: allowance(1), key: request => `${tagged(callerOf(request))}${route}` })
      playLimits.set(action, limit)
    }
    return limit
  }

  async function play (action: Action, request: FastifyRequest, caller: Caller): Promise<Refusal | undefined> {
    const unverified = caller.kind === 'unverified'
    if (unverified) {
      const before = await ceilingLimit(request, { increment: false })
      if (!before.isAllowed && before.remaining === 0) return overCeiling(before)
    }
    const own = await playLimitOf(action)(request)
    if (!own.isAllowed && own.isExceeded) {
      gameMetrics.limited('player')
      return refusals.tooManyCalls(tooManyMessage(own.max, whose(caller, true), own.ttlInSeconds), limitHeaders(own))
    }
    if (unverified) {
      const after = await ceilingLimit(request)
      if (!after.isAllowed && after.isExceeded) return overCeiling(after)
    }
    return undefined
  }

  const clientLimit = limiter({ max: clientMax, key: request => `{${callerOf(request).clientKey}}messages` })
  const tooManyForClient = (request: FastifyRequest, limit: Limit): Refusal => {
    gameMetrics.limited('client')
    return refusals.tooManyCalls(tooManyMessage(limit.max, whose(callerOf(request), false), limit.ttlInSeconds), limitHeaders(limit))
  }
  async function charge (request: FastifyRequest): Promise<Refusal | undefined> {
    if (request.counted) return undefined
    request.counted = true
    const limit = await clientLimit(request)
    return limit.isAllowed || !limit.isExceeded ? undefined : tooManyForClient(request, limit)
  }
  const client: preHandlerHookHandler = (request, reply, done) => {
    charge(request).then(refusal => {
      if (refusal === undefined) done()
      else refuseInHook(refusal, reply, done)
    }, done)
  }

  // Calls refused for their credentials. Once a sender's are spent, this replica remembers it until
  // the minute ends (in a map of at most STORE_SIZE senders, the oldest dropped first), so their
  // next refusals ask no store; the count itself is shared like any other.
  const refusedLimit = limiter({ max, key: request => `{${callerOf(request).refusedKey}}refused` })
  const spent = new FifoMap<{ until: number, max: number }>(STORE_SIZE, WINDOW_MS)
  const spentRefusal = (maxCalls: number, seconds: number): Refusal => refusals.tooManyCalls(
    `Too many refused calls: at most ${maxCalls} a minute per client. Wait ${seconds} seconds, then try again with valid credentials.`,
    { 'retry-after': seconds })
  const refused = {
    async count (request: FastifyRequest): Promise<Refusal | undefined> {
      request.counted = true
      const caller = callerOf(request)
      // Everyone behind a trusted address that names no one: not one sender to hold to account.
      if (caller.kind === 'shared') return undefined
      const known = spent.size === 0 ? undefined : spent.get(caller.refusedKey)
      const left = known === undefined ? 0 : known.until - Date.now()
      if (left > 0) return spentRefusal((known as { max: number }).max, Math.ceil(left / 1000))
      const limit = await refusedLimit(request)
      if (limit.isAllowed || !limit.isExceeded) return undefined
      spent.set(caller.refusedKey, { until: Date.now() + limit.ttl, max: limit.max })
      gameMetrics.limited('refused')
      return spentRefusal(limit.max, limit.ttlInSeconds)
    }
  }

  fastify.decorateRequest('counted', false)
  fastify.decorate('allowances', { play, client, charge, refused })
}, { name: 'rate-limit', fastify: '5.x', dependencies: ['config', 'caller-identity', 'game-metrics', 'redis'] })

/**
 * Rate limiting, per minute: RATE_LIMIT_MAX calls to each action per player, and a separate, ten
 * times larger allowance per client for everything else (pages, docs, the document, /health, the
 * MCP door's own messages and preflights), so reading the docs or connecting an MCP client never
 * uses up a player's moves. Who the player is comes from plugins/app/caller.ts:
 * - a signed-in subject or a believed host player id has the player's allowance wherever it calls
 *   from, for its moves and (ten times larger) for the protocol's own messages;
 * - a player id that cannot be believed still counts apart, but every such id of one address
 *   shares a ceiling of ten players' allowances, checked before the id's own count is made, so a
 *   flood of new ids never makes new counters past the ceiling;
 * - the callers of one trusted address that name no one (Claude's users) share TRUSTED_ADDRESS_MAX
 *   (ten players' allowances unless set), and ten times that for the protocol's messages;
 * - anyone else is its address (an IPv6 /64).
 * Refused calls (credentials that are not good, an Origin or Host the MCP door does not serve) have
 * an allowance of their own, a player's: past it, the caller gets 429 before anything it sends is
 * checked, for the rest of the minute.
 *
 * @fastify/rate-limit counts: its hook for the open routes, and limiters made with its
 * `createRateLimit` for what the action pipeline (plugins/app/pipeline.ts) and the MCP door ask.
 * In memory, each counter store keeps up to 50,000 counts (a few MB): an exhausted count is only
 * pushed out by 50,000 newer ones within its minute, which the ceiling keeps any one address from
 * making. With REDIS_URL the counts are shared by every replica and expire by themselves.
 */
import rateLimit from '@fastify/rate-limit'
import type { FastifyRequest, preHandlerHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { FifoMap } from 'toad-cache'
import type { Action } from './actions.js'
import { Refusal, httpError } from '../../lib/errors.js'
import type { Caller } from './caller.js'

export const OPEN_ROUTES_FACTOR = 10
/** How many players' allowances one address may spend with ids that cannot be believed. */
export const ADDRESS_CEILING_FACTOR = 10
/** Counts kept by each in-memory store (@fastify/rate-limit's LRU; its default is 5,000). */
export const STORE_SIZE = 50_000
const WINDOW_MS = 60_000

declare module 'fastify' {
  interface FastifyInstance {
    allowances: {
      /** Spends an action call from the caller's allowance: undefined, or the 429 that says how long to wait. */
      play: (action: Action, request: FastifyRequest, caller: Caller) => Promise<Refusal | undefined>
      /** Counts a message at the MCP door (or a preflight) against the caller's open allowance. */
      open: preHandlerHookHandler
      refused: {
        /** The 429 for a caller whose refused calls are spent for this minute, else undefined (no store is asked). */
        blocked: (request: FastifyRequest) => Refusal | undefined
        /** Counts a refused call: the 429 once the allowance is spent, else undefined (the refusal stands). */
        count: (request: FastifyRequest) => Promise<Refusal | undefined>
      }
    }
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
  // The allowance of the counter a key names: shared by everyone behind a trusted address, or one
  // caller's. Numbers where no address is shared: @fastify/rate-limit awaits a function on every call.
  const allowance = (factor: number): number | ((request: FastifyRequest, key: string) => number) =>
    TRUSTED_NETWORKS === undefined ? max * factor : (_request, key) => (key.includes('shared:') ? sharedMax : max) * factor
  const openMax = allowance(OPEN_ROUTES_FACTOR)
  const whose = (caller: Caller, player: boolean): string => caller.kind === 'shared'
    ? 'for everyone calling from this address without signing in'
    : player ? 'per player' : 'per client'

  // Every route but the actions and the MCP door (counted below): pages, docs, the document, /health.
  await fastify.register(rateLimit, {
    max: openMax,
    timeWindow: WINDOW_MS,
    cache: STORE_SIZE,
    // With REDIS_URL the counts are shared by every replica; a Redis error lets the call through.
    ...(fastify.redis !== null ? { redis: fastify.redis, nameSpace: 'tictactoe-rate-limit:', skipOnError: true } : {}),
    keyGenerator: request => callerOf(request).openKey,
    // The x-ratelimit-* headers only on a 429 (with Retry-After): ChatGPT reads neither, and
    // three more headers on every answer cost throughput.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    onExceeded: () => gameMetrics.limited('client'),
    errorResponseBuilder: (request, context) => httpError(429, tooManyMessage(context.max, whose(callerOf(request), false), Math.ceil(context.ttl / 1000)))
  })

  // (`cache` reaches a limiter's store as it does a route's; the plugin's types omit it here.)
  const limiter = (options: { max: number | ((request: FastifyRequest, key: string) => number); key: (request: FastifyRequest) => string }) =>
    fastify.createRateLimit({ max: options.max, timeWindow: WINDOW_MS, cache: STORE_SIZE, keyGenerator: options.key } as Parameters<
      typeof fastify.createRateLimit
    >[0])

  /**
   * The ceiling of ids that cannot be believed, per address: read before the id's own count (a
   * call past the ceiling makes no counter), spent after it (only by calls the id's limit let in).
   */
  const ceiling = max * ADDRESS_CEILING_FACTOR
  const ceilingLimit = limiter({ max: ceiling, key: request => `ceiling:${callerOf(request).address}` })
  const overCeiling = (limit: Limit): Refusal => {
    gameMetrics.limited('address')
    return new Refusal(429, tooManyMessage(ceiling, 'from one address', limit.ttlInSeconds), undefined, { headers: { 'retry-after': limit.ttlInSeconds } })
  }

  // Each action counts apart, as a route of its own would; the key names the action so the
  // actions' counts never meet in Redis.
  const playLimits = new Map<Action, ReturnType<typeof limiter>>()
  const playLimitOf = (action: Action) => {
    let limit = playLimits.get(action)
    if (limit === undefined) {
      const route = `${action.method}${action.url}`
      limit = limiter({ max: allowance(1), key: request => `${route}-${callerOf(request).playKey}` })
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
      return new Refusal(429, tooManyMessage(own.max, whose(caller, true), own.ttlInSeconds), undefined, { headers: limitHeaders(own) })
    }
    if (unverified) {
      const after = await ceilingLimit(request)
      if (!after.isAllowed && after.isExceeded) return overCeiling(after)
    }
    return undefined
  }

  const openLimit = limiter({ max: openMax, key: request => callerOf(request).openKey })
  const open: preHandlerHookHandler = (request, reply, done) => {
    openLimit(request).then(limit => {
      if (limit.isAllowed || !limit.isExceeded) return done()
      gameMetrics.limited('client')
      reply.headers(limitHeaders(limit))
      done(httpError(429, tooManyMessage(limit.max, whose(callerOf(request), false), limit.ttlInSeconds)))
    }, done)
  }

  // Refused calls. Once a caller's are spent, this replica remembers it until the minute ends (in
  // a map of at most STORE_SIZE callers, the oldest dropped first), so checking a caller that is let
  // in asks no store; the count itself is shared like any other.
  const refusedLimit = limiter({ max: allowance(1), key: request => `refused:${callerOf(request).refusedKey}` })
  const spent = new FifoMap<{ until: number, max: number }>(STORE_SIZE, WINDOW_MS)
  const spentRefusal = (maxCalls: number, seconds: number): Refusal => new Refusal(429,
    `Too many refused calls: at most ${maxCalls} a minute per client. Wait ${seconds} seconds, then try again with valid credentials.`,
    undefined, { headers: { 'retry-after': seconds } })
  const refused = {
    blocked (request: FastifyRequest): Refusal | undefined {
      if (spent.size === 0) return undefined
      const known = spent.get(callerOf(request).refusedKey)
      const left = known === undefined ? 0 : known.until - Date.now()
      return left > 0 ? spentRefusal((known as { max: number }).max, Math.ceil(left / 1000)) : undefined
    },
    async count (request: FastifyRequest): Promise<Refusal | undefined> {
      const limit = await refusedLimit(request)
      if (limit.isAllowed || !limit.isExceeded) return undefined
      spent.set(callerOf(request).refusedKey, { until: Date.now() + limit.ttl, max: limit.max })
      gameMetrics.limited('refused')
      return spentRefusal(limit.max, limit.ttlInSeconds)
    }
  }

  fastify.decorate('allowances', { play, open, refused })
}, { name: 'rate-limit', fastify: '5.x', dependencies: ['config', 'caller-identity', 'metrics', 'redis'] })

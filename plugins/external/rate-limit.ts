/**
 * Rate limiting, per minute: RATE_LIMIT_MAX calls to the actions per player, and a separate, ten
 * times larger allowance per client for everything else (pages, docs, the document, /health, the
 * MCP door's own messages), so reading the docs or connecting an MCP client never uses up a
 * player's moves. Who the player is comes from plugins/caller.ts:
 * - a signed-in subject or a believed host player id has the player's allowance wherever it calls
 *   from, for its moves and (ten times larger) for the protocol's own messages;
 * - a player id that cannot be believed still counts apart, but every such id of one address
 *   shares a ceiling of ten players' allowances, checked before the id's own count is made, so a
 *   flood of new ids never makes new counters past the ceiling;
 * - the callers of one trusted address that name no one (Claude's users) share TRUSTED_ADDRESS_MAX
 *   (ten players' allowances unless set), and ten times that for the protocol's messages;
 * - anyone else is its address (an IPv6 /64).
 *
 * In memory, each counter store keeps up to 50,000 counts (a few MB): an exhausted count is only
 * pushed out by 50,000 newer ones within its minute, which the ceiling keeps any one address from
 * making. With REDIS_URL the counts are shared by every replica and expire by themselves.
 */
import rateLimit from '@fastify/rate-limit'
import type { FastifyRequest, onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { isAction } from '../app/actions.js'

export const OPEN_ROUTES_FACTOR = 10
/** How many players' allowances one address may spend with ids that cannot be believed. */
export const ADDRESS_CEILING_FACTOR = 10
/** Counts kept by each in-memory store (@fastify/rate-limit's LRU; its default is 5,000). */
export const STORE_SIZE = 50_000

const tooMany = (max: number, who: string, seconds: number): Error & { statusCode: number } =>
  Object.assign(new Error(`Too many calls: at most ${max} a minute ${who}. Wait ${seconds} seconds, then try again.`), { statusCode: 429 })

export default fp(async fastify => {
  const { RATE_LIMIT_MAX: max, TRUSTED_ADDRESS_MAX, TRUSTED_NETWORKS } = fastify.config
  const sharedMax = TRUSTED_ADDRESS_MAX ?? max * ADDRESS_CEILING_FACTOR
  const callerOf = fastify.callerOf
  // The allowance of the counter a key names: shared by everyone behind a trusted address, or one
  // caller's. Numbers where no address is shared: @fastify/rate-limit awaits a function on every call.
  const shared = (key: string): boolean => key.startsWith('shared:')
  const allowance = (factor: number): number | ((request: FastifyRequest, key: string) => number) =>
    TRUSTED_NETWORKS === undefined ? max * factor : (_request, key) => (shared(key) ? sharedMax : max) * factor
  const playMax = allowance(1)
  const openMax = allowance(OPEN_ROUTES_FACTOR)
  const whose = (request: FastifyRequest): string => callerOf(request).kind === 'shared'
    ? 'for everyone calling from this address without signing in'
    : isAction(request) ? 'per player' : 'per client'

  // An action gets its own counter (a route-level limit is a store of its own) with the players'
  // allowance; the door to the actions counts its messages once the body names their player.
  fastify.addHook('onRoute', route => {
    if (route.config?.action !== undefined) route.config = { ...route.config, rateLimit: { max: playMax, cache: STORE_SIZE, keyGenerator: request => callerOf(request).playKey } }
    else if (route.config?.door === true) route.config = { ...route.config, rateLimit: { max: openMax, cache: STORE_SIZE, hook: 'preHandler' } }
  })
  await fastify.register(rateLimit, {
    max: openMax,
    timeWindow: 60_000,
    cache: STORE_SIZE,
    // With REDIS_URL the counts are shared by every replica; a Redis error lets the call through.
    ...(fastify.redis !== null ? { redis: fastify.redis, nameSpace: 'tictactoe-rate-limit:', skipOnError: true } : {}),
    keyGenerator: request => callerOf(request).openKey,
    // The x-ratelimit-* headers only on a 429 (with Retry-After): ChatGPT reads neither, and
    // three more headers on every answer cost throughput.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    onExceeded: request => fastify.gameMetrics.limited(isAction(request) ? 'player' : 'client'),
    errorResponseBuilder: (request, context) => tooMany(context.max, whose(request), Math.ceil(context.ttl / 1000))
  })

  /**
   * The ceiling of ids that cannot be believed, per address: read before the id's own count (a
   * call past the ceiling makes no counter), spent after it (only by calls the id's limit let in).
   */
  const ceiling = max * ADDRESS_CEILING_FACTOR
  // (`cache` reaches the ceiling's store as it does a route's; the plugin's types omit it here.)
  const ceilingLimit = fastify.createRateLimit({ max: ceiling, cache: STORE_SIZE, keyGenerator: request => `ceiling:${callerOf(request).address}` } as Parameters<typeof fastify.createRateLimit>[0])
  const refuse = (result: { ttlInSeconds: number }, reply: Parameters<onRequestHookHandler>[1], done: Parameters<onRequestHookHandler>[2]): void => {
    fastify.gameMetrics.limited('address')
    reply.header('retry-after', result.ttlInSeconds)
    done(tooMany(ceiling, 'from one address', result.ttlInSeconds))
  }
  // Callback hooks that return at once for most calls (no id, or one that is believed), so they
  // pay no promise; the others wait for the ceiling's store.
  const checkCeiling: onRequestHookHandler = (request, reply, done) => {
    if (callerOf(request).kind !== 'unverified') return done()
    ceilingLimit(request, { increment: false }).then(result => result.isAllowed || result.remaining > 0 ? done() : refuse(result, reply, done), done)
  }
  const spendCeiling: onRequestHookHandler = (request, reply, done) => {
    if (callerOf(request).kind !== 'unverified') return done()
    ceilingLimit(request).then(result => result.isAllowed || !result.isExceeded ? done() : refuse(result, reply, done), done)
  }
  fastify.addHook('onRoute', route => {
    // The limiter's own onRoute, which ran first, always leaves an array of hooks on an action.
    if (route.config?.action === undefined) return
    const hooks = route.onRequest as onRequestHookHandler[]
    hooks.splice(hooks.length - 1, 0, checkCeiling)
    hooks.push(spendCeiling)
  })
}, { name: 'rate-limit', fastify: '5.x', dependencies: ['config', 'caller-identity', 'actions', 'metrics', 'redis'] })

/**
 * The Redis connection the rate limit shares between replicas (REDIS_URL; unset, each replica
 * counts in memory). Redis trouble must never take the game down or make a player wait:
 * - no offline queue and a short command timeout, so while Redis is away every command fails at
 *   once and the rate limit lets the call through uncounted (its `skipOnError`);
 * - a Redis that hangs (stopped, `DEBUG SLEEP`, `CLIENT PAUSE`) keeps the connection open, so
 *   each command would wait the whole timeout: after a few timeouts in a row a circuit breaker
 *   (cockatiel's) stops sending commands for a while, so calls go through uncounted at once, as in
 *   an outage; every few seconds one command tries again, and the first that is answered closes it;
 * - ioredis reconnects by itself, for as long as it takes, and the shared count resumes;
 * - one warning when an outage (or a hang) starts and one when it ends, not one per request or
 *   per retry.
 */
import type { Command, Redis as RedisClient } from 'ioredis'
import fp from 'fastify-plugin'

type Cockatiel = typeof import('cockatiel')

declare module 'fastify' {
  interface FastifyInstance {
    /** The shared store's connection, or null when the rate limit counts in memory. */
    redis: RedisClient | null
  }
}

/** How long one rate-limit command may take before the call goes on without it. */
export const REDIS_COMMAND_TIMEOUT_MS = 500
/** Timeouts in a row after which commands stop waiting for Redis. */
export const REDIS_TIMEOUTS_TO_BREAK = 3
/** How long commands stop waiting before one tries Redis again. */
export const REDIS_RETRY_AFTER_MS = 5000

export default fp(async fastify => {
  const url = fastify.config.REDIS_URL
  if (url === undefined) {
    fastify.decorate('redis', null)
    return
  }
  // Loaded only when wanted: ioredis is large, in time and memory at start. (ioredis is CommonJS
  // alone: its exports are its default. cockatiel ships CommonJS, which the build's bundle takes,
  // its exports then its default alone, and an ES build, which some loaders pick, with names and no
  // default: the names of both are merged, so either is read.)
  const [{ default: { Redis } }, loaded] = await Promise.all([import('ioredis'), import('cockatiel')])
  const cockatiel: Cockatiel = { ...loaded, ...(loaded as unknown as { default?: Cockatiel }).default }
  const { ConsecutiveBreaker, circuitBreaker, handleWhen, isBrokenCircuitError } = cockatiel
  const where = new URL(url).host

  const breaker = circuitBreaker(handleWhen(error => error.message === 'Command timed out'), {
    halfOpenAfter: REDIS_RETRY_AFTER_MS,
    breaker: new ConsecutiveBreaker(REDIS_TIMEOUTS_TO_BREAK)
  })
  // A failed retry opens the breaker again: only the first opening of a hang is told.
  let hanging = false
  breaker.onBreak(() => {
    if (hanging) return
    hanging = true
    fastify.log.warn({ redis: where, timeouts: REDIS_TIMEOUTS_TO_BREAK }, 'Redis is not answering: calls are answered without the rate limit until it ' +
      'answers again')
  })
  breaker.onReset(() => {
    hanging = false
    fastify.log.warn({ redis: where }, 'Redis answers again: the rate limit is shared again')
  })

  /** Every command (the rate limit's own scripts included) goes through the breaker. */
  class GuardedRedis extends Redis {
    override sendCommand (command: Command, stream?: Parameters<RedisClient['sendCommand']>[1]): unknown {
      breaker.execute(async () => {
        super.sendCommand(command, stream)
        return await command.promise
      }).catch((error: unknown) => {
        // An open breaker never ran the command: fail it at once. Other errors are the command's own.
        if (isBrokenCircuitError(error)) command.reject(error)
      })
      return command.promise
    }
  }

  const redis = new GuardedRedis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: 2000,
    retryStrategy: attempt => Math.min(attempt * 200, 2000)
  })
  let up: boolean | undefined
  redis.on('ready', () => {
    if (up === false) fastify.log.warn({ redis: where }, 'Redis is back: the rate limit is shared again')
    else fastify.log.info({ redis: where }, 'Redis connected: the rate limit is shared between replicas')
    up = true
  })
  // Every failed command and reconnect attempt is an 'error': only the first of an outage is told.
  redis.on('error', (error: Error) => {
    if (up === false) return
    up = false
    fastify.log.warn({ redis: where, error: error.message }, 'Redis is unreachable: calls are answered without the rate limit until it is back')
  })
  fastify.decorate('redis', redis)
  fastify.addHook('onClose', async () => { redis.disconnect() })
}, { name: 'redis', fastify: '5.x', dependencies: ['config'] })

/**
 * The Redis connection the rate limit shares between replicas (REDIS_URL; unset, each replica
 * counts in memory). Redis trouble must never take the game down or make a player wait:
 * - no offline queue and a short command timeout, so while Redis is away every command fails at
 *   once and the rate limit lets the call through uncounted (its `skipOnError`);
 * - ioredis reconnects by itself, for as long as it takes, and the shared count resumes;
 * - one warning when an outage starts and one when it ends, not one per request or per retry.
 */
import type { Redis } from 'ioredis'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** The shared store's connection, or null when the rate limit counts in memory. */
    redis: Redis | null
  }
}

/** How long one rate-limit command may take before the call goes on without it. */
export const REDIS_COMMAND_TIMEOUT_MS = 500

export default fp(async fastify => {
  const url = fastify.config.REDIS_URL
  if (url === undefined) {
    fastify.decorate('redis', null)
    return
  }
  // Loaded only when wanted: ioredis takes about 50 ms and 20 MB at start.
  const { Redis } = await import('ioredis')
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: 2000,
    retryStrategy: attempt => Math.min(attempt * 200, 2000)
  })
  const where = new URL(url).host
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

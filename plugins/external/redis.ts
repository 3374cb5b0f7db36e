/**
 * The Redis connection the rate limit shares between replicas (REDIS_URL): one Redis, or the cluster
 * its node belongs to. Trouble never waits or stops a call: it goes through uncounted (docs/decisions.md).
 */
import type { Cluster as ClusterClient, Redis as RedisClient } from 'ioredis'
import fp from 'fastify-plugin'

type Cockatiel = typeof import('cockatiel')

declare module 'fastify' {
  interface FastifyInstance {
    /** The shared store's connection (one Redis, or a cluster once REDIS_URL's node says it is in one), or null when the rate limit counts in memory. */
    redis: RedisClient | ClusterClient | null
    /** Sends commands through the circuit breaker: at once, failed, while Redis hangs. */
    redisGuard: <T>(send: (client: RedisClient | ClusterClient) => Promise<T>) => Promise<T>
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
    fastify.decorate('redisGuard', async () => { throw new Error('REDIS_URL is not set') })
    return
  }
  // Loaded only when wanted: ioredis is large, in time and memory at start. (ioredis is CommonJS
  // alone: its exports are its default. cockatiel ships CommonJS, which the build's bundle takes,
  // its exports then its default alone, and an ES build, which some loaders pick, with names and no
  // default: the names of both are merged, so either is read.)
  const [{ default: { Redis, Cluster } }, loaded] = await Promise.all([import('ioredis'), import('cockatiel')])
  const cockatiel: Cockatiel = { ...loaded, ...(loaded as unknown as { default?: Cockatiel }).default }
  const { ConsecutiveBreaker, circuitBreaker, handleWhen } = cockatiel
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

  // Commands sent in one tick go in one write, answered in one read: under load Redis then wakes
  // once for many calls, which is most of what a count costs it.
  const commands = { enableOfflineQueue: false, enableAutoPipelining: true }
  const connection = { maxRetriesPerRequest: 0, commandTimeout: REDIS_COMMAND_TIMEOUT_MS, connectTimeout: 2000 }
  const retry = (attempt: number): number => Math.min(attempt * 200, 2000)
  const single = new Redis(url, { ...commands, ...connection, retryStrategy: retry })
  let redis: RedisClient | ClusterClient = single
  const told = tell()
  told.watch(single)

  // A node of a cluster: once it answers, the service counts through the cluster's masters instead.
  single.once('ready', () => {
    single.info('cluster').then(info => {
      if (!/^cluster_enabled:1/m.test(info)) return
      // The masters it finds are reached with REDIS_URL's credentials (empty: none).
      const { username, password } = new URL(url)
      const cluster = new Cluster([url], {
        ...commands,
        clusterRetryStrategy: retry,
        // A count for a master that is gone (or a cluster that is down) fails at once, as with one
        // Redis: never retried after a delay while the call waits.
        retryDelayOnFailover: 0,
        retryDelayOnClusterDown: 0,
        retryDelayOnTryAgain: 0,
        redisOptions: { ...connection, username: decodeURIComponent(username), password: decodeURIComponent(password) }
      })
      told.watch(cluster)
      watchNodes(cluster)
      redis = cluster
      single.disconnect()
      fastify.log.info({ redis: where }, 'Redis is a cluster: the rate limit is counted on its masters')
    }, () => { /* not answered: counted on this one node until it is */ })
  })
  // The client in use, one Redis or the cluster that took its place.
  fastify.decorate('redis', { getter: () => redis })
  // Each count is sent through the breaker whole (its commands go in one write): a breaker that
  // let one command of a write through and failed another would leave the write unsent.
  fastify.decorate('redisGuard', async <T>(send: (client: RedisClient | ClusterClient) => Promise<T>): Promise<T> =>
    await breaker.execute(async () => await send(redis)))
  let closing = false
  fastify.addHook('onClose', async () => {
    closing = true
    redis.disconnect()
  })

  /** A cluster stays ready while one of its masters is gone: one line when a node goes, one when it is back. */
  function watchNodes (cluster: ClusterClient): void {
    const lost = new Set<string>()
    const nameOf = (node: RedisClient): string => `${node.options.host ?? ''}:${node.options.port ?? ''}`
    cluster.on('-node', (node: RedisClient) => {
      const name = nameOf(node)
      if (closing || lost.has(name)) return
      lost.add(name)
      fastify.log.warn({ redis: name }, 'A Redis cluster node is unreachable: the calls counted on it are answered without the rate limit until it is back')
    })
    // (While it is gone, the client adds it again each time it asks the cluster for its slots.)
    cluster.on('+node', (node: RedisClient) => {
      node.once('ready', () => {
        const name = nameOf(node)
        if (lost.delete(name)) fastify.log.warn({ redis: name }, 'The Redis cluster node is back: the rate limit is shared again')
      })
    })
  }

  /** One line when Redis is first reached, one when an outage starts and one when it ends. */
  function tell (): { watch: (client: RedisClient | ClusterClient) => void } {
    let up: boolean | undefined
    return {
      watch (client) {
        client.on('ready', () => {
          if (up === false) fastify.log.warn({ redis: where }, 'Redis is back: the rate limit is shared again')
          else if (up === undefined) fastify.log.info({ redis: where }, 'Redis connected: the rate limit is shared between replicas')
          up = true
        })
        // Every failed command and reconnect attempt is an 'error': only the first of an outage is told.
        client.on('error', (error: Error) => {
          if (up === false) return
          up = false
          fastify.log.warn({ redis: where, error: error.message }, 'Redis is unreachable: calls are answered without the rate limit until it is back')
        })
      }
    }
  }
}, { name: 'redis', fastify: '5.x', dependencies: ['config'] })

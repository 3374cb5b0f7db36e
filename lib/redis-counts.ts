/**
 * @fastify/rate-limit's counts in Redis (one, or a cluster) as plain commands: one `INCR` a call,
 * `PEXPIRE` when a count starts, `PTTL` past the allowance (why not the plugin's store: docs/decisions.md).
 */
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { Cluster, Redis } from 'ioredis'

/** What @fastify/rate-limit calls back with: the count so far and the time left in its window. */
type Callback = (error: Error | null, result?: { current: number, ttl: number }) => void

/** Sends commands to Redis (through the circuit breaker of plugins/external/redis.ts). */
export type Send = <T>(commands: (client: Redis | Cluster) => Promise<T>) => Promise<T>

/** The constructor @fastify/rate-limit's `store` option takes, counting under `namespace`. */
export function redisCounts (send: Send, namespace: string): FastifyRateLimitStoreCtor {
  /** Starts a count's window; failing, the count is given one when next found past its allowance. */
  const startWindow = (name: string, windowMs: number): void => {
    send(async client => await client.pexpire(name, windowMs)).catch(() => undefined)
  }
  return class RedisCounts {
    incr (key: string, done: Callback, windowMs: number, max: number): void {
      const name = namespace + key
      send(async client => await client.incr(name)).then(async current => {
        if (current === 1) startWindow(name, windowMs)
        // Below the allowance the window's end is not read (the headers that would say it are off).
        if (current <= max) return { current, ttl: windowMs }
        const ttl = await send(async client => await client.pttl(name))
        // A count with no window (its PEXPIRE was lost with a connection or a replica) gets one now.
        if (ttl === -1) startWindow(name, windowMs)
        return { current, ttl: ttl > 0 ? ttl : windowMs }
      }).then(result => { done(null, result) }, (error: Error) => { done(error) })
    }

    read (key: string, done: Callback): void {
      const name = namespace + key
      send(async client => await Promise.all([client.get(name), client.pttl(name)])).then(([current, ttl]) => {
        done(null, current === null ? { current: 0, ttl: 0 } : { current: Number(current), ttl: Math.max(ttl, 0) })
      }, (error: Error) => { done(error) })
    }

    /** Every limiter counts in one namespace: the keys the limiters make say whose count it is. */
    child (): RedisCounts {
      return this
    }
  }
}

/**
 * When the machine runs short, answer or refuse at once: 503 with Retry-After while the event loop
 * is saturated, and connections capped below the open-file limit (why: docs/decisions.md).
 */
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import underPressure from '@fastify/under-pressure'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { refusals } from '../../lib/errors.js'

/** How often the event-loop delay is sampled (each sample is the mean over the interval before it). */
export const SAMPLE_INTERVAL_MS = 1000
/** From the server's start (ready), how long before the delay sheds: the sample that covers the start, and the next. */
export const START_GRACE_MS = 2 * SAMPLE_INTERVAL_MS
export const RETRY_AFTER_S = 5
/** File descriptors kept for everything but client connections: the log, Redis, metrics, files. */
export const RESERVED_FILES = 64

/** The soft open-file limit (Linux's /proc/self/limits), or undefined when it is unlimited or unknown. */
export function openFileLimit (limits = '/proc/self/limits'): number | undefined {
  try {
    const line = readFileSync(limits, 'utf8').split('\n').find(entry => entry.startsWith('Max open files'))
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0]
    return soft !== undefined && /^[0-9]+$/.test(soft) ? Number(soft) : undefined
  } catch {
    return undefined
  }
}

/** How many connections the server takes under that limit, and the line that says so at start. */
export function connectionLimit (files: number | undefined): { connections: number, message: string } {
  if (files === undefined) return { connections: Infinity, message: 'connections not limited (no open-file limit)' }
  const connections = Math.max(files - RESERVED_FILES, 1)
  return { connections, message: `connections limited to ${connections} (open-file limit ${files})` }
}

/**
 * What under-pressure does with a call while the event loop is saturated (it asks only for the
 * event-loop delay, the one limit set): before `shedsFrom()`, let it through (nothing returned);
 * after, 503 with Retry-After.
 */
export const shedding = (shedsFrom: () => number) => async (_request: FastifyRequest, reply: FastifyReply): Promise<void> => {
  if (performance.now() < shedsFrom()) return
  reply.header('retry-after', RETRY_AFTER_S)
  throw refusals.busy()
}

export default fp(async fastify => {
  let shedsFrom = Infinity
  fastify.addHook('onReady', async () => { shedsFrom = performance.now() + START_GRACE_MS })
  await fastify.register(underPressure, {
    // (0 turns it off: under-pressure checks only a positive limit.)
    maxEventLoopDelay: fastify.config.MAX_EVENT_LOOP_DELAY_MS,
    sampleInterval: SAMPLE_INTERVAL_MS,
    exposeStatusRoute: false,
    pressureHandler: shedding(() => shedsFrom)
  })
  const { connections, message } = connectionLimit(openFileLimit())
  fastify.server.maxConnections = connections
  fastify.log.info(message)
}, { name: 'under-pressure', fastify: '5.x', dependencies: ['config'] })

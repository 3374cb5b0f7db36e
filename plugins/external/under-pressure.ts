/**
 * When the machine runs short, answer or refuse at once instead of failing later:
 * - with the event loop saturated, 503 with Retry-After (ChatGPT gives up after 45 s and backs off
 *   after repeated errors), logged as one warning line per request (the request's own line).
 *   Saturated is a mean event-loop delay over a second, sampled each second. (Not the event loop's
 *   utilization: the first sample would cover the start, busy by nature, and shed the first
 *   player's move after a cold start.);
 * - open connections are capped below the process's open-file limit (`ulimit -n`), so idle
 *   sockets can never take the last file descriptors: at that point Node cannot even read the
 *   memory figures under-pressure samples each second (EMFILE), and the uncaught error stopped
 *   the process. Connections past the cap are closed as soon as they arrive.
 */
import { readFileSync } from 'node:fs'
import underPressure from '@fastify/under-pressure'
import fp from 'fastify-plugin'

export const MAX_EVENT_LOOP_DELAY_MS = 1000
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

export default fp(async fastify => {
  await fastify.register(underPressure, {
    maxEventLoopDelay: MAX_EVENT_LOOP_DELAY_MS,
    retryAfter: 5,
    exposeStatusRoute: false
  })
  const { connections, message } = connectionLimit(openFileLimit())
  fastify.server.maxConnections = connections
  fastify.log.info(message)
}, { name: 'under-pressure', fastify: '5.x' })

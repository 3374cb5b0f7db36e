/**
 * Starts the service: reads the configuration, builds the app, listens, and on SIGTERM or SIGINT
 * drains (SHUTDOWN_DRAIN_MS: /health says 503, answers close their connections, requests are still
 * answered), then stops taking connections, finishes the requests in flight, and exits 0.
 */
import closeWithGrace from 'close-with-grace'
import Fastify from 'fastify'
import app, { serverOptions } from './app.js'
import { ConfigError, loadConfig } from './plugins/config.js'
import { flushLog, terminalLog } from './lib/logging.js'

/**
 * How long the stop takes after the drain, at most: the requests in flight are finished, then the
 * last spans are sent (at most lib/otel.ts's SHUTDOWN_MS). Past it the process exits anyway: 0 when
 * every request was answered (what is left is the spans' flush, cut), else 1.
 */
export const SHUTDOWN_DELAY_MS = 4_000
/** Kept for exiting on time, from the budget above. */
const EXIT_MARGIN_MS = 250

/** A start that cannot go on (a port that is taken, a view not built): one line, no stack, exit 1. */
function startFailed (error: Error): never {
  flushLog()
  process.stderr.write(`Could not start: ${error.message}\n`)
  process.exit(1)
}

async function start (): Promise<void> {
  let config
  try {
    config = loadConfig(process.env)
  } catch (error) {
    // loadConfig throws only ConfigError: one line, no stack, for the person starting the service.
    process.stderr.write(`Configuration error: ${(error as ConfigError).message}\n`)
    process.exit(1)
  }
  const fastify = Fastify(serverOptions(config, await terminalLog(process.stdout)))
  // Loaded by listen: a plugin that fails to register, a port that is taken, a view not built,
  // each stops the start with one line.
  fastify.register(app, { config })
  await fastify.listen({ port: config.PORT, host: config.HOST }).catch((error: NodeJS.ErrnoException) => {
    startFailed(error.code === 'EADDRINUSE' || error.code === 'EACCES'
      ? new Error(`PORT ${config.PORT} cannot be used on ${config.HOST} (${error.code}): choose a free port, or stop what listens there.`)
      : error)
  })

  // Installed once the service is up: a stop signal before that ends the start at once.
  const budgetMs = config.SHUTDOWN_DRAIN_MS + SHUTDOWN_DELAY_MS
  closeWithGrace({ delay: budgetMs }, async ({ signal, err }) => {
    const deadline = Date.now() + budgetMs - EXIT_MARGIN_MS
    if (err !== undefined) {
      fastify.log.error({ err }, 'stopping after an uncaught error')
    } else {
      fastify.log.info({ signal, drainMs: config.SHUTDOWN_DRAIN_MS }, 'draining: /health answers 503, connections close after each answer')
      flushLog()
      fastify.drain(config.SHUTDOWN_DRAIN_MS / 2)
      await new Promise(resolve => setTimeout(resolve, config.SHUTDOWN_DRAIN_MS))
      fastify.log.info('stopping: finishing requests in flight')
    }
    // Every connection ended: what may still run is the onClose hooks (the spans' flush).
    let answeredAll = false
    fastify.server.once('close', () => { answeredAll = true })
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>(resolve => { timer = setTimeout(resolve, Math.max(0, deadline - Date.now()), 'late') })
    const closed = await Promise.race([fastify.close().then(() => 'closed' as const), late])
    clearTimeout(timer)
    if (closed === 'late') {
      fastify.log.warn(answeredAll ? 'stopped before the last spans were sent' : 'stopped with requests still in flight')
      flushLog()
      if (!answeredAll) process.exit(1)
    }
  })
  // The log is written in blocks (lib/logging.ts): whoever waits for "Server listening" sees it now.
  flushLog()
}

await start()

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

/** How long requests in flight get after the drain before the process exits anyway. */
export const SHUTDOWN_DELAY_MS = 4_000

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
  closeWithGrace({ delay: config.SHUTDOWN_DRAIN_MS + SHUTDOWN_DELAY_MS }, async ({ signal, err }) => {
    if (err !== undefined) {
      fastify.log.error({ err }, 'stopping after an uncaught error')
    } else {
      fastify.log.info({ signal, drainMs: config.SHUTDOWN_DRAIN_MS }, 'draining: /health answers 503, connections close after each answer')
      flushLog()
      fastify.drain()
      await new Promise(resolve => setTimeout(resolve, config.SHUTDOWN_DRAIN_MS))
      fastify.log.info('stopping: finishing requests in flight')
    }
    await fastify.close()
  })
  // The log is written in blocks (lib/logging.ts): whoever waits for "Server listening" sees it now.
  flushLog()
}

await start()

/**
 * Starts the service: reads the configuration, builds the app, listens, and on SIGTERM or SIGINT
 * stops taking connections, finishes the requests in flight, then exits.
 */
import closeWithGrace from 'close-with-grace'
import Fastify from 'fastify'
import app, { serverOptions } from './app.js'
import { ConfigError, loadConfig } from './plugins/config.js'

/** How long requests in flight get to finish after a stop signal before the process exits anyway. */
export const SHUTDOWN_DELAY_MS = 10_000

async function start (): Promise<void> {
  let config
  try {
    config = loadConfig(process.env)
  } catch (error) {
    // loadConfig throws only ConfigError: one line, no stack, for the person starting the service.
    process.stderr.write(`Configuration error: ${(error as ConfigError).message}\n`)
    process.exit(1)
  }
  const fastify = Fastify(serverOptions(config))
  await fastify.register(app, { config })

  closeWithGrace({ delay: SHUTDOWN_DELAY_MS }, async ({ signal, err }) => {
    if (err !== undefined) fastify.log.error({ err }, 'stopping after an uncaught error')
    else fastify.log.info({ signal }, 'stopping: finishing requests in flight')
    await fastify.close()
  })

  await fastify.listen({ port: config.PORT, host: config.HOST })
}

await start()

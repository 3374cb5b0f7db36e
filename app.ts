/**
 * The service as one Fastify plugin. It never listens: server.ts does, and the tests build it with
 * the very same options through `serverOptions`.
 */
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import autoload from '@fastify/autoload'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import fp from 'fastify-plugin'
import { type DestinationStream, destination } from 'pino'
import type { RandomSource } from './engine/index.js'
import actions from './plugins/app/actions.js'
import auth from './plugins/app/auth.js'
import engine from './plugins/app/engine.js'
import errors from './plugins/app/errors.js'
import config, { type Config } from './plugins/config.js'
import { OneLinePerRequest, REDACTED_PATHS, childLoggerFactory } from './plugins/logging.js'
import accepts from './plugins/external/accepts.js'
import helmet from './plugins/external/helmet.js'
import rateLimit from './plugins/external/rate-limit.js'
import swagger from './plugins/external/swagger.js'
import underPressure from './plugins/external/under-pressure.js'

export interface AppOptions {
  config: Config
  /** Replaces Math.random in the engine (tests replay the random difficulties with it). */
  random?: RandomSource
}

/**
 * The Fastify options for a configuration: the server and the tests both use this.
 * `logStream` lets a test read the log; pretty output only when a person watches a terminal.
 */
export function serverOptions (config: Config, logStream?: DestinationStream): FastifyServerOptions {
  const pretty = logStream === undefined && process.stdout.isTTY === true
  // Asynchronous stdout: lines written while a write is pending go out together in one system call
  // instead of one call per line. Flushed at exit.
  const stream = logStream ?? (pretty ? undefined : destination({ dest: 1, sync: false }))
  return {
    logger: {
      level: config.LOG_LEVEL,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      ...(stream !== undefined ? { stream } : {}),
      ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {})
    },
    logController: new OneLinePerRequest(),
    childLoggerFactory,
    genReqId: () => randomUUID(),
    trustProxy: config.TRUST_PROXY,
    bodyLimit: 64 * 1024,
    connectionTimeout: 60_000,
    requestTimeout: 30_000,
    keepAliveTimeout: 75_000, // longer than common load balancers' idle timeouts, so they close first
    return503OnClosing: false, // during shutdown, requests on open connections are still answered
    routerOptions: { ignoreTrailingSlash: true }
  }
}

async function app (fastify: FastifyInstance, options: AppOptions): Promise<void> {
  await fastify.register(config, { config: options.config })
  await fastify.register(underPressure)
  await fastify.register(helmet)
  await fastify.register(accepts)
  await fastify.register(errors)
  await fastify.register(actions)
  // Every route, /health included, goes through the same hooks: the rate limit counts the actions
  // apart, and the API key is asked only of the actions (routes with `config: { action: true }`).
  await fastify.register(rateLimit)
  await fastify.register(auth)
  await fastify.register(engine, { random: options.random })
  await fastify.register(swagger)

  // Each folder of routes/ is a plugin of its own (its index file): adding an action is adding a
  // folder. Folder names are not URL prefixes; each route says its own path.
  await fastify.register(autoload, { dir: fileURLToPath(new URL('routes', import.meta.url)), dirNameRoutePrefix: false })
}

// Not encapsulated: what the app sets up (error handler, hooks, decorators) belongs to the instance
// that registers it, so a test can add a route beside the app's and see the same behaviour.
export default fp(app, { name: 'app', fastify: '5.x' })

/**
 * The service as one Fastify plugin. It never listens: server.ts does, and the tests build it with
 * the very same options through `serverOptions`.
 */
import { randomUUID } from 'node:crypto'
import type { Server } from 'node:http'
import { fileURLToPath } from 'node:url'
import autoload from '@fastify/autoload'
import type { FastifyHttpOptions, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { DestinationStream } from 'pino'
import type { RandomSource } from './engine/index.js'
import actions from './plugins/app/actions.js'
import auth from './plugins/app/auth.js'
import drain from './plugins/app/drain.js'
import engine from './plugins/app/engine.js'
import pipeline from './plugins/app/pipeline.js'
import signIn from './plugins/app/sign-in.js'
import errors from './plugins/app/errors.js'
import caller, { proxyTrust } from './plugins/caller.js'
import config, { type Config } from './plugins/config.js'
import { OneLinePerRequest, REDACTED_PATHS, bufferedStdout, childLoggerFactory } from './plugins/logging.js'
import { clientErrorHandler, frameworkErrors } from './plugins/early-answers.js'
import helmet from './plugins/external/helmet.js'
import metrics from './plugins/external/metrics.js'
import rateLimit from './plugins/external/rate-limit.js'
import redis from './plugins/external/redis.js'
import swagger from './plugins/external/swagger.js'
import underPressure from './plugins/external/under-pressure.js'

/** The whole request (headers and body) must arrive within this; the headers alone within the next. */
export const REQUEST_TIMEOUT_MS = 30_000
export const HEADERS_TIMEOUT_MS = 10_000

export interface AppOptions {
  config: Config
  /** Replaces Math.random in the engine (tests replay the random difficulties with it). */
  random?: RandomSource
  /** Replaces Date.now where sign-in checks tokens and keeps the issuer's keys (tests move it). */
  now?: () => number
}

/**
 * The Fastify options for a configuration: the server and the tests both use this.
 * `logStream` lets a test read the log; pretty output only when a person watches a terminal.
 */
export function serverOptions (config: Config, logStream?: DestinationStream): FastifyHttpOptions<Server> {
  const pretty = logStream === undefined && process.stdout.isTTY === true
  const stream = logStream ?? (pretty ? undefined : bufferedStdout())
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
    trustProxy: proxyTrust(config.TRUST_PROXY),
    bodyLimit: 64 * 1024,
    connectionTimeout: 60_000,
    requestTimeout: REQUEST_TIMEOUT_MS,
    keepAliveTimeout: 75_000, // longer than common load balancers' idle timeouts, so they close first
    // Node checks the request and header timeouts every 30 s by default, so a slow body held a
    // connection for up to a minute past its 30 s: checked each second, the timeouts mean what they say.
    // (Given at creation too: Node's checks keep the timeouts the server was created with.)
    http: { requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: 1000 },
    clientErrorHandler,
    frameworkErrors,
    return503OnClosing: false, // after the drain, requests already on a connection are still answered
    routerOptions: { ignoreTrailingSlash: true }
  }
}

async function app (fastify: FastifyInstance, options: AppOptions): Promise<void> {
  await fastify.register(config, { config: options.config })
  await fastify.register(metrics)
  await fastify.register(underPressure)
  await fastify.register(helmet)
  await fastify.register(errors)
  await fastify.register(drain)
  await fastify.register(redis)
  await fastify.register(caller)
  // Every route but the actions and the MCP door is counted by the rate limit's own hook; those two
  // ask the allowances themselves, as they ask for credentials (plugins/app/pipeline.ts).
  await fastify.register(rateLimit)
  await fastify.register(signIn, { now: options.now })
  await fastify.register(auth)
  await fastify.register(pipeline)
  await fastify.register(actions)
  await fastify.register(engine, { random: options.random })
  await fastify.register(swagger)

  // Each folder of routes/ is a plugin of its own (its index file): adding an action is adding a
  // folder. Folder names are not URL prefixes; each route says its own path.
  await fastify.register(autoload, { dir: fileURLToPath(new URL('routes', import.meta.url)), dirNameRoutePrefix: false })
}

// Not encapsulated: what the app sets up (error handler, hooks, decorators) belongs to the instance
// that registers it, so a test can add a route beside the app's and see the same behaviour.
export default fp(app, { name: 'app', fastify: '5.x' })

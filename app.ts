/**
 * The service as one Fastify plugin. It never listens: server.ts does, and the tests build it with
 * the very same options through `serverOptions`.
 */
import { randomUUID } from 'node:crypto'
import type { Server } from 'node:http'
import { createRequire } from 'node:module'
import type { FastifyHttpOptions, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { DestinationStream } from 'pino'
import type { RandomSource } from './engine/index.js'
import { clientErrorHandler, frameworkErrors } from './lib/early-answers.js'
import folder from './lib/folders.js'
import { OneLinePerRequest, REDACTED_PATHS, bufferedStdout, childLoggerFactory } from './lib/logging.js'
import { proxyTrust } from './plugins/app/caller.js'
import config, { type Config } from './plugins/config.js'

const require = createRequire(import.meta.url)

/**
 * Fastify's own compilers, each loaded when a route first needs one to compile a schema, which none
 * of the service's routes does (the actions' schemas are compiled by the build, lib/made-ahead.ts):
 * by default Fastify loads both, and Ajv with them, as each instance is made, a large part of a start.
 */
const compilersFactory = {
  buildValidator: (...args: Parameters<ReturnType<typeof import('@fastify/ajv-compiler')>>) =>
    (require('@fastify/ajv-compiler') as typeof import('@fastify/ajv-compiler'))()(...args),
  buildSerializer: (...args: Parameters<ReturnType<typeof import('@fastify/fast-json-stringify-compiler').SerializerSelector>>) =>
    (require('@fastify/fast-json-stringify-compiler') as typeof import('@fastify/fast-json-stringify-compiler')).SerializerSelector()(...args)
}

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
 * `logStream` is where the log goes: a test's, a person's terminal (server.ts), else standard output.
 */
export function serverOptions (config: Config, logStream?: DestinationStream): FastifyHttpOptions<Server> {
  return {
    logger: {
      level: config.LOG_LEVEL,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      stream: logStream ?? bufferedStdout()
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
    schemaController: { compilersFactory },
    routerOptions: { ignoreTrailingSlash: true }
  }
}

async function app (fastify: FastifyInstance, options: AppOptions): Promise<void> {
  await fastify.register(config, { config: options.config })
  // The ecosystem's plugins as the service configures them, then the service's own (each file of
  // its folder, after the ones it depends on), then the routes, a folder each.
  await fastify.register(folder, { dir: 'plugins/external' })
  await fastify.register(folder, { dir: 'plugins/app', options: { random: options.random, now: options.now } })
  await fastify.register(folder, { dir: 'routes' })
}

// Not encapsulated: what the app sets up (error handler, hooks, decorators) belongs to the instance
// that registers it, so a test can add a route beside the app's and see the same behaviour.
export default fp(app, { name: 'app', fastify: '5.x' })

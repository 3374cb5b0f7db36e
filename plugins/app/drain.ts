/**
 * The drain before a stop. Once `fastify.drain()` is called (on SIGTERM, by server.ts), /health
 * answers 503 so load balancers stop sending new requests, and every answer carries
 * `Connection: close`, so clients and proxies open a fresh connection (to another replica) for
 * their next request instead of reusing this one: when the listener closes later, no connection is
 * left that a client could still send a request on.
 */
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** True from the stop signal on. */
    readonly draining: boolean
    drain: () => void
  }
}

export default fp(async fastify => {
  let draining = false
  fastify.decorate('draining', { getter: () => draining })
  fastify.decorate('drain', () => {
    if (draining) return
    draining = true
    // Only from now on, and ahead of Fastify's own listener: Node then answers with
    // `Connection: close` and closes the connection after the answer. No hook costs the requests
    // before the drain anything.
    fastify.server.prependListener('request', (_request, response) => { response.shouldKeepAlive = false })
  })
}, { name: 'drain', fastify: '5.x' })

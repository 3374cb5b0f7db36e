/**
 * The drain before a stop (`fastify.drain()`, on SIGTERM): /health answers 503, every answer says
 * `Connection: close`, and keep-alive connections still idle `idleMs` into it are closed while the
 * service still answers, so no client's request is reset at the stop.
 */
import type { Socket } from 'node:net'
import fp from 'fastify-plugin'

declare module 'fastify' {
  interface FastifyInstance {
    /** True from the stop signal on. */
    readonly draining: boolean
    /** Starts the drain; the connections still idle `idleMs` later are closed. */
    drain: (idleMs?: number) => void
  }
}

type Connection = Socket

/**
 * The connections Node's HTTP server counts as idle: no request partly received (a request whose
 * headers are still arriving is not idle) and none being answered, as its closeIdleConnections()
 * finds them. Read from the server's own list, whose symbol Node does not export; without it, none.
 */
function idleOf (server: object): Set<Socket> {
  const symbol = Object.getOwnPropertySymbols(server).find(key => key.description === 'http.server.connections')
  const list = symbol === undefined ? undefined : (server as Record<symbol, { idle?: () => Array<{ socket: Socket }> }>)[symbol]
  return new Set(list?.idle?.().map(({ socket }) => socket) ?? [])
}

export default fp(async fastify => {
  let draining = false
  // Every open connection, to find the idle ones (a listener per connection, none per request).
  const connections = new Set<Connection>()
  fastify.server.on('connection', (socket: Connection) => {
    connections.add(socket)
    socket.once('close', () => connections.delete(socket))
  })
  fastify.decorate('draining', { getter: () => draining })
  fastify.decorate('drain', (idleMs?: number) => {
    if (draining) return
    draining = true
    // The connections that carry a request from now on close after its answer.
    const asked = new WeakSet<Socket>()
    // Only from now on, and ahead of Fastify's own listener: Node then answers with
    // `Connection: close` and closes the connection after the answer. No hook costs the requests
    // before the drain anything.
    fastify.server.prependListener('request', (request, response) => {
      response.shouldKeepAlive = false
      asked.add(request.socket)
    })
    if (idleMs === undefined) return
    // The connections opened before the drain: one opened since has its request on the way.
    const before = [...connections]
    setTimeout(() => {
      const idle = idleOf(fastify.server)
      for (const socket of before) if (!asked.has(socket) && idle.has(socket)) socket.destroy()
    }, idleMs).unref()
  })
}, { name: 'drain', fastify: '5.x' })

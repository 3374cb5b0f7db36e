/**
 * Prometheus metrics, with METRICS_PORT set: fastify-metrics times every route and collects Node's
 * process metrics (the game's counters join its registry: plugins/app/game-metrics.ts), served at
 * /metrics on METRICS_PORT only, a port for the operator's scraper, never on the public one.
 */
import { type Server, createServer } from 'node:http'
import { once } from 'node:events'
import fp from 'fastify-plugin'

export default fp(async fastify => {
  const port = fastify.config.METRICS_PORT
  if (port === undefined) return
  // Loaded only when wanted (it and its client are large, in time and memory at start). A CommonJS
  // module whose plugin is its `default` export. One registry per process; a rebuilt app (in
  // tests) starts it afresh.
  const { default: fastifyMetrics } = (await import('fastify-metrics')).default
  await fastify.register(fastifyMetrics, { endpoint: null, clearRegisterOnInit: true, defaultMetrics: { enabled: true } })
  const { client } = fastify.metrics
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: the metrics are at GET /metrics.\n')
      return
    }
    client.register.metrics().then(
      text => response.writeHead(200, { 'content-type': client.register.contentType }).end(text),
      (error: Error) => {
        fastify.log.error({ err: error }, 'metrics failed')
        response.writeHead(500, { 'content-type': 'text/plain' }).end('The metrics could not be collected; see the log.\n')
      })
  })
  // Bound before the public port (onReady runs before listen): a metrics port that is taken stops
  // the start, instead of a service that answers with no metrics.
  fastify.addHook('onReady', async () => {
    server.listen(port, fastify.config.HOST)
    try {
      await once(server, 'listening')
    } catch (error) {
      // server.ts says it in one line.
      throw new Error(`METRICS_PORT ${port} cannot be used on ${fastify.config.HOST} (${String((error as NodeJS.ErrnoException).code)}): choose a ` +
        'free port, or stop what listens there.')
    }
    fastify.log.info({ port }, 'metrics at /metrics')
  })
  fastify.addHook('onClose', async () => {
    if (server.listening) await new Promise(resolve => server.close(resolve))
  })
}, { name: 'metrics', fastify: '5.x', dependencies: ['config'] })

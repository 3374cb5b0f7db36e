/**
 * Prometheus metrics, with METRICS_PORT set: fastify-metrics times every route (a histogram by
 * method, route and status) and collects Node's process metrics; the game adds its own counters
 * on the same registry (one on another registry would silently never show). They are served at
 * /metrics on METRICS_PORT only, a port for the operator's scraper, never on the public one.
 * Unset, nothing is measured and the counters cost nothing.
 */
import { type Server, createServer } from 'node:http'
import { once } from 'node:events'
import fp from 'fastify-plugin'
import type { Door } from '../app/actions.js'

/** The game's own counts, for the routes and plugins that see them happen. */
export interface GameMetrics {
  move: (door: Door, difficulty: string) => void
  finished: (outcome: 'ai' | 'player' | 'draw') => void
  rejected: (code: string) => void
  /** `limit`: which allowance was spent (a player's, a client's, an address's ceiling, a client's refused calls). */
  limited: (limit: 'player' | 'client' | 'address' | 'refused') => void
  /** An action call that came as no HTTP request of its own (an MCP tool call), timed as one would be. */
  played: (method: string, route: string, statusCode: number, seconds: number) => void
}

declare module 'fastify' {
  interface FastifyInstance {
    gameMetrics: GameMetrics
  }
}

const OFF: GameMetrics = { move: () => {}, finished: () => {}, rejected: () => {}, limited: () => {}, played: () => {} }

export default fp(async fastify => {
  const port = fastify.config.METRICS_PORT
  if (port === undefined) {
    fastify.decorate('gameMetrics', OFF)
    return
  }
  // Loaded only when wanted (it and its client are large, in time and memory at start). A CommonJS
  // module whose plugin is its `default` export. One registry per process; a rebuilt app (in
  // tests) starts it afresh.
  const { default: fastifyMetrics } = (await import('fastify-metrics')).default
  await fastify.register(fastifyMetrics, { endpoint: null, clearRegisterOnInit: true, defaultMetrics: { enabled: true } })
  const { client } = fastify.metrics
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new client.Counter<L>({ name, help, labelNames, registers: [client.register] })
  const moves = counter('tictactoe_moves_total', 'Moves played, by the door they came through and the difficulty.', ['door', 'difficulty'])
  const finished = counter('tictactoe_games_finished_total', 'Games that ended with a move, by outcome (the AI won, the player won, a draw).', ['outcome'])
  const rejected = counter('tictactoe_rejected_boards_total', 'Boards refused as impossible, by code.', ['code'])
  const limited = counter('tictactoe_rate_limited_total', 'Calls refused by the rate limit, by the allowance spent.', ['limit'])
  // fastify-metrics' own route metrics, by their names in the registry: a tool call is counted
  // with the route of its action.
  const routeHist = client.register.getSingleMetric('http_request_duration_seconds') as InstanceType<typeof client.Histogram>
  const routeSum = client.register.getSingleMetric('http_request_summary_seconds') as InstanceType<typeof client.Summary>
  fastify.decorate('gameMetrics', {
    move: (door, difficulty) => moves.inc({ door, difficulty }),
    finished: outcome => finished.inc({ outcome }),
    rejected: code => rejected.inc({ code }),
    limited: limit => limited.inc({ limit }),
    played: (method, route, statusCode, seconds) => {
      const labels = { method, route, status_code: statusCode }
      routeHist.observe(labels, seconds)
      routeSum.observe(labels, seconds)
    }
  } satisfies GameMetrics)

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

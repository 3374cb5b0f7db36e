/**
 * The game's own counts (moves, finished games, refused boards and calls, tool calls timed as
 * routes), on fastify-metrics' registry when METRICS_PORT is set (a counter on another registry
 * would silently never show); unset, they cost nothing.
 */
import fp from 'fastify-plugin'
import type { Door } from './actions.js'

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
  if (fastify.config.METRICS_PORT === undefined) {
    fastify.decorate('gameMetrics', OFF)
    return
  }
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
}, { name: 'game-metrics', fastify: '5.x', dependencies: ['config', 'metrics'] })

/**
 * The engine as a Fastify decorator: solved once (by the build, for the built server; else at
 * boot), so no request pays for it, then shared by every door into the game (GET /human_move, the
 * MCP tool).
 */
import fp from 'fastify-plugin'
import { type RandomSource, type Turn, type TurnRequest, playTurn, solvedPositions, useSolvedPositions } from '../../engine/index.js'
import { madeAhead } from '../../lib/made-ahead.js'

export interface EngineOptions {
  /** Injected in tests so the random difficulties can be replayed. */
  random?: RandomSource
}

declare module 'fastify' {
  interface FastifyInstance {
    engine: { playTurn: (request: TurnRequest) => Turn }
  }
}

export default fp<EngineOptions>(async (fastify, { random = Math.random }) => {
  useSolvedPositions(madeAhead('solved positions', { kind: 'solved-positions' }, undefined, solvedPositions))
  const { tracing } = fastify
  // Traced, a turn is a span of its own (the engine itself knows nothing of it); else the call alone.
  fastify.decorate('engine', { playTurn: (request: TurnRequest) => tracing.span('engine playTurn', {}, () => playTurn(request, random)) })
}, { name: 'engine', fastify: '5.x', dependencies: ['tracing'] })

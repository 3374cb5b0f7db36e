/**
 * The engine as a Fastify decorator: solved once at boot (so no request pays for it), then
 * shared by every door into the game (GET /human_move, the MCP tool).
 */
import fp from 'fastify-plugin'
import { type RandomSource, type Turn, type TurnRequest, playTurn, solveAll } from '../../engine/index.js'

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
  solveAll()
  fastify.decorate('engine', { playTurn: (request: TurnRequest) => playTurn(request, random) })
}, { name: 'engine', fastify: '5.x' })

/**
 * GET /human_move: the GPT action. Compatible with the original service's calls (nine position_N
 * query parameters), plus human_position, ai_player and difficulty.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { preValidationHookHandler } from 'fastify'
import { moveAnswer, moveRequestFrom, turnErrorAnswer } from './answer.js'
import { ErrorAnswer, MoveAnswer, MoveQuery, positionNames } from './schema.js'

const upperCased = new Set<string>([...positionNames, 'ai_player'])

/** Chat models write marks in either case and with stray spaces: accept them as the original did. */
export const normalizeQuery: preValidationHookHandler = (request, _reply, done) => {
  const query = request.query as Record<string, unknown>
  for (const name in query) {
    const value = query[name]
    if (typeof value !== 'string') continue
    if (upperCased.has(name)) query[name] = value.trim().toUpperCase()
    else if (name === 'difficulty') query[name] = value.trim().toLowerCase()
  }
  done()
}

export const humanMoveSchema = {
  operationId: 'humanMove',
  summary: "Play the AI's move in a tic-tac-toe game",
  description: 'Send the board as position_1..position_9 (1-3 top row, empty for free) and the player\'s new cell as human_position. Returns the board after the AI moves, status, winner, the AI move with a reason and message, and positions to send on the next call.',
  'x-openai-isConsequential': false,
  querystring: MoveQuery,
  response: { 200: MoveAnswer, 400: ErrorAnswer }
} as const

const humanMove: FastifyPluginAsyncTypebox = async fastify => {
  fastify.get('/human_move', { schema: humanMoveSchema, config: { action: true }, preValidation: normalizeQuery }, async (request, reply) => {
    const turn = fastify.engine.playTurn(moveRequestFrom(request.query))
    if (!turn.ok) {
      request.log.info({ code: turn.error.code }, 'impossible board')
      return reply.code(400).send(turnErrorAnswer(turn.error))
    }
    return moveAnswer(turn.turn)
  })
}

export default humanMove

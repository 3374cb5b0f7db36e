/**
 * GET /human_move: the GPT action. Compatible with the original service's calls (nine position_N
 * query parameters), plus human_position, ai_player and difficulty.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { preValidationHookHandler } from 'fastify'
import { moveAnswer, moveRequestFrom, normalizeMoveInput, turnErrorAnswer } from './answer.js'
import { ErrorAnswer, MoveAnswer, MoveQuery } from './schema.js'

const normalizeQuery: preValidationHookHandler = (request, _reply, done) => {
  normalizeMoveInput(request.query as Record<string, unknown>)
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

/**
 * GET /human_move: the game's action, offered to GPTs as `humanMove` and to MCP clients as the
 * tool `play_move`, with the prompt `play_tictactoe`. Compatible with the original service's calls
 * (nine position_N query parameters), plus human_position, ai_player and difficulty.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { preValidationHookHandler } from 'fastify'
import { type ActionOptions, doorOf } from '../../plugins/app/actions.js'
import { PARAMETERS_HINT } from '../../plugins/app/errors.js'
import { moveAnswer, moveRequestFrom, normalizeMoveInput, turnErrorAnswer } from './answer.js'
import { playTicTacToe } from './prompt.js'
import { ErrorAnswer, MoveAnswer, MoveQuery } from './schema.js'

const normalizeQuery: preValidationHookHandler = (request, _reply, done) => {
  const problem = normalizeMoveInput(request.query as Record<string, unknown>)
  if (problem === null) return done()
  done(Object.assign(new Error(`${problem} ${PARAMETERS_HINT}`), { statusCode: 400, code: 'invalid_parameter' }))
}

export const humanMoveSchema = {
  operationId: 'humanMove',
  summary: "Play the AI's move in a tic-tac-toe game",
  description: "Send the board as position_1..position_9 (X, O or empty; 1-3 is the top row) and the player's new cell as human_position. Returns the board after the AI's move, its reason, a message for the player, the status and the positions to send next. New game: an empty board; ai_player X lets the AI open.",
  'x-openai-isConsequential': false,
  querystring: MoveQuery,
  response: { 200: MoveAnswer, 400: ErrorAnswer }
} as const

/** `play_move` is the tool's name since the first MCP release: kept, though the operationId says humanMove. */
const action: ActionOptions = {
  tool: 'play_move',
  text: (answer: MoveAnswer) => `${answer.message}\n\n${answer.board_text}`,
  prompts: [playTicTacToe],
  status: { invoking: 'Playing the AI\'s move…', invoked: 'Board updated' },
  view: {
    uri: 'ui://tictactoe/board.html',
    name: 'board',
    title: 'Tic-tac-toe board',
    description: 'The game as a board to click: each move is a play_move call, the AI answers in place.'
  }
}

const humanMove: FastifyPluginAsyncTypebox = async fastify => {
  fastify.get('/human_move', { schema: humanMoveSchema, config: { action }, preValidation: normalizeQuery }, async (request, reply) => {
    const move = moveRequestFrom(request.query)
    const turn = fastify.engine.playTurn(move)
    if (!turn.ok) {
      request.log.info({ code: turn.error.code }, 'impossible board')
      fastify.gameMetrics.rejected(turn.error.code)
      return reply.code(400).send(turnErrorAnswer(turn.error))
    }
    const { answer, json } = moveAnswer(turn.turn)
    // A call that changed the board is a move (not a repeat of a finished game).
    if (turn.turn.move !== null || move.humanPosition !== undefined) {
      fastify.gameMetrics.move(doorOf(request), move.difficulty)
      if (answer.status === 'end') fastify.gameMetrics.finished(answer.winner === 'Draw' ? 'draw' : answer.winner === move.aiPlayer ? 'ai' : 'player')
    }
    // The answer's JSON, made once per position (the 200 schema still documents and checks it in
    // the tests); sent as text, it skips serialization on every call.
    return reply.type('application/json; charset=utf-8').send(json as unknown as MoveAnswer)
  })
}

export default humanMove

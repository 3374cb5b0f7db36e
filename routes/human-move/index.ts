/**
 * GET /human_move: the game's action (`humanMove` for GPTs, the tool `play_move`, the prompt
 * `play_tictactoe` and the board view for MCP hosts), taking the original service's nine position_N
 * parameters, plus human_position, ai_player and difficulty.
 */
import type { FastifyPluginAsync } from 'fastify'
import { answerJson, moveAnswer, moveRequestFrom, normalizeMoveInput, turnRefusal } from './answer.js'
import { gameGuide } from './guide.js'
import { BOARD_VIEW_URI, PLAY_MOVE } from './names.js'
import { playTicTacToe } from './prompt.js'
import { ErrorAnswer, MoveAnswer, MoveQuery } from './schema.js'

export const humanMoveSchema = {
  operationId: 'humanMove',
  summary: "Play the AI's move in a tic-tac-toe game",
  description: "Send the board as position_1..position_9 (X, O or empty; 1-3 is the top row) and the player's new cell as human_position. Returns the " +
    "board after the AI's move, its reason, a message for the player, the status and the positions to send next. New game: an empty board; ai_player " +
      'X lets the AI open.',
  'x-openai-isConsequential': false,
  querystring: MoveQuery,
  response: { 200: MoveAnswer, 400: ErrorAnswer }
} as const

const humanMove: FastifyPluginAsync = async fastify => {
  fastify.action({
    method: 'GET',
    url: '/human_move',
    schema: humanMoveSchema,
    tool: PLAY_MOVE,
    text: (answer: MoveAnswer) => `${answer.message}\n\n${answer.board_text}`,
    prompts: [playTicTacToe],
    status: { invoking: 'Playing the AI\'s move…', invoked: 'Board updated' },
    view: {
      uri: BOARD_VIEW_URI,
      name: 'board',
      title: 'Tic-tac-toe board',
      description: 'The game as a board to click: each move is a play_move call, the AI answers in place.'
    },
    guide: gameGuide,
    normalize: normalizeMoveInput,
    // The answers are shared between calls (one per position), and so is their JSON.
    serialize: answerJson,
    handler: (query, { door, log }) => {
      const move = moveRequestFrom(query)
      const turn = fastify.engine.playTurn(move)
      if (!turn.ok) {
        log.info({ code: turn.error.code }, 'impossible board')
        fastify.gameMetrics.rejected(turn.error.code)
        return turnRefusal(turn.error)
      }
      const answer = moveAnswer(turn.turn)
      // A call that changed the board is a move (not a repeat of a finished game).
      if (turn.turn.move !== null || move.humanPosition !== undefined) {
        fastify.gameMetrics.move(door, move.difficulty)
        if (answer.status === 'end') fastify.gameMetrics.finished(answer.winner === 'Draw' ? 'draw' : answer.winner === move.aiPlayer ? 'ai' : 'player')
      }
      return answer
    }
  })
}

export default humanMove

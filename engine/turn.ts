/**
 * One turn of the opponent: take a position (and optionally the person's move), check it, play the
 * chosen move and tell the state after it. This is the single entry point the service calls.
 */
import { type Mark, emptyCells, opponentOf, place } from './board.js'
import { type Explanation, explainMove } from './explain.js'
import { type Difficulty, type RandomSource, chooseMove } from './policies.js'
import { type Position, type PositionError, analyzePosition, legalPosition } from './rules.js'

export type TurnErrorCode = PositionError['code'] | 'game_over' | 'cell_taken' | 'not_human_turn' | 'not_ai_turn'

export interface TurnError {
  code: TurnErrorCode
  message: string
}

export interface TurnRequest {
  /** Positions 1-9 as 'X', 'O' or ' '. */
  cells: readonly string[]
  aiPlayer: Mark
  difficulty: Difficulty
  /** The person's move (1-9) to place before the opponent plays, if the board does not hold it yet. */
  humanPosition?: number
}

export interface TurnResult {
  /** The AI's move as a position 1-9, or null when the game was already over or has not begun (the person opens). */
  move: number | null
  explanation: Explanation | null
  /** The position after the AI's move (or as given, when the game was over). */
  position: Position
}

export type Turn = { ok: true, turn: TurnResult } | { ok: false, error: TurnError }

function fail (code: TurnErrorCode, message: string): Turn {
  return { ok: false, error: { code, message } }
}

function describeCounts (position: Position): string {
  return position.xCount + position.oCount === 0
    ? 'the board is empty'
    : `the board has ${position.xCount} X and ${position.oCount} O`
}

function finishedMessage (position: Position): string {
  return position.winner === null ? 'the game is a draw' : `${position.winner} has already won`
}

/** Plays one turn; `random` drives the easy and medium difficulties (inject a seeded one to replay). */
export function playTurn (request: TurnRequest, random: RandomSource = Math.random): Turn {
  const { aiPlayer, difficulty, humanPosition } = request
  const human = opponentOf(aiPlayer)
  const given = analyzePosition(request.cells)
  if (!given.ok) return given
  let position = given.position

  if (humanPosition !== undefined) {
    if (position.finished) {
      return fail('game_over', `No move can be added: ${finishedMessage(position)}. Start a new game with an empty board.`)
    }
    if (position.turn !== human) {
      return fail('not_human_turn', `It is ${aiPlayer}'s turn, not the player's (${human}): ${describeCounts(position)}, so the player's move is ` +
        'already on the board or the sides are swapped.')
    }
    if (position.board[humanPosition - 1] !== ' ') {
      const free = emptyCells(position.board).map(cell => cell + 1).join(', ')
      return fail('cell_taken', `Position ${humanPosition} is already taken by ${position.board[humanPosition - 1]}; the free positions are ${free}.`)
    }
    position = legalPosition(place(position.board, humanPosition - 1, human))
  }

  if (position.finished) return { ok: true, turn: { move: null, explanation: null, position } }
  // An empty board with the person to move is a new game waiting for their first move (a host that
  // opens the board view before the person has picked a cell asks for exactly that).
  if (position.turn !== aiPlayer && position.xCount + position.oCount === 0) return { ok: true, turn: { move: null, explanation: null, position } }
  if (position.turn !== aiPlayer) {
    return fail('not_ai_turn', `It is ${human}'s turn, not the AI's (${aiPlayer}): ${describeCounts(position)}.`)
  }

  const cell = chooseMove(position.board, aiPlayer, difficulty, random)
  const explanation = explainMove(position.board, cell, aiPlayer)
  return {
    ok: true,
    turn: { move: cell + 1, explanation, position: legalPosition(place(position.board, cell, aiPlayer)) }
  }
}

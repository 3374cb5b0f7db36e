/**
 * Between the game's wire format (shared by GET /human_move and the MCP tool) and the engine:
 * the query becomes a turn request, the engine's result becomes the answer a chat can use.
 */
import {
  type Board,
  type Mark,
  type Position,
  type TurnError,
  type TurnErrorCode,
  type TurnRequest,
  type TurnResult,
  boardKey,
  boardText
} from '../../engine/index.js'
import { Refusal, clip, quoted } from '../../lib/errors.js'
import { type MoveAnswer, MoveQuery, positionNames } from './schema.js'

const upperCased = new Set<string>([...positionNames, 'ai_player'])
const parameterNames = new Set(Object.keys(MoveQuery.properties))

/**
 * Chat models write marks in either case and with stray spaces: accept them as the original did.
 * A parameter name in another case (Position_1) is the parameter, never silently dropped (the AI
 * would then play on that cell); written as an array (position_1[]) it is refused. human_position
 * must be written as a number of digits: JavaScript would read "Infinity", "1e309" or "0x5" as
 * numbers. Returns the problem in the API's words, or null.
 */
export function normalizeMoveInput (input: Record<string, unknown>): string | null {
  for (const given of Object.keys(input)) {
    if (parameterNames.has(given)) continue
    const name = given.toLowerCase().replace(/\[.*$/, '')
    if (!parameterNames.has(name)) continue
    if (name !== given.toLowerCase()) {
      return `${clip(given, 60)} is not a parameter: send ${name} once, with no brackets, such as ${name}=${name === 'human_position' ? 5 : 'X'}.`
    }
    const value = input[given]
    delete input[given]
    // The same parameter twice, in two cases, is a repeat: validation says to give it once.
    input[name] = name in input ? [input[name], value].flat() : value
  }
  for (const name in input) {
    const value = input[name]
    if (typeof value !== 'string') continue
    if (upperCased.has(name)) input[name] = value.trim().toUpperCase()
    else if (name === 'difficulty') input[name] = value.trim().toLowerCase()
    else if (name === 'human_position') {
      const digits = value.trim()
      if (!/^[0-9]{1,3}$/.test(digits)) return `human_position must be a whole number from 1 to 9 (got ${quoted(value)}).`
      input[name] = Number(digits)
    }
  }
  return null
}

export function moveRequestFrom (query: MoveQuery): TurnRequest {
  return {
    // The engine's own constants rather than the query's copies of them: the engine compares cells
    // many times a turn, and identical strings compare at once.
    cells: positionNames.map(name => query[name] === 'X' ? 'X' : query[name] === 'O' ? 'O' : ' '),
    aiPlayer: query.ai_player ?? 'O',
    difficulty: query.difficulty ?? 'hard',
    humanPosition: query.human_position
  }
}

/** The fix to suggest for each mistake a caller can make, in the API's own terms. */
const HOW_TO_FIX: Partial<Record<TurnErrorCode, string>> = {
  not_ai_turn: "Add the player's move to the board, or pass it as human_position.",
  not_human_turn: 'Send the board without human_position, or check ai_player.',
  cell_taken: 'Ask the player for one of those and send it as human_position.',
  game_over: 'To play again, call with an empty board.'
}

/** The engine's refusal of a board, with the fix for the caller's mistake. */
export function turnRefusal (error: TurnError): Refusal {
  const fix = HOW_TO_FIX[error.code] ?? 'Send the board exactly as the last answer gave it in positions.'
  return new Refusal(400, `${error.message} ${fix}`, error.code)
}

function outcome (position: Position): string {
  if (position.winner !== null) return `${position.winner} wins with ${position.winningLine?.join('-')}. The game is over.`
  if (position.draw) return 'The board is full: the game is a draw.'
  return `It is ${position.turn}'s turn.`
}

/** The board as the nine query parameters, empty cells as "" (the form the next call takes). */
export function positionsOf (board: Board): MoveAnswer['positions'] {
  return Object.fromEntries(positionNames.map((name, i) => [name, board[i].trim()])) as MoveAnswer['positions']
}

function rows (board: Board): MoveAnswer['board'] {
  return [board.slice(0, 3), board.slice(3, 6), board.slice(6, 9)]
}

/**
 * The answer depends only on the position after the turn and the move that led to it (the move's
 * explanation follows from those two), so each is built once, and serialized once, and shared
 * (about 5,500 of them at most). Never mutated.
 */
const answers = new Map<number, MoveAnswer>()
const texts = new WeakMap<MoveAnswer, string>()

export function moveAnswer (result: TurnResult): MoveAnswer {
  const id = boardKey(result.position.board) * 10 + (result.move ?? 0)
  let answer = answers.get(id)
  if (answer === undefined) {
    answer = buildAnswer(result)
    answers.set(id, answer)
    texts.set(answer, JSON.stringify(answer))
  }
  return answer
}

/** An answer's JSON, made with it (every answer comes from moveAnswer). */
export const answerJson = (answer: MoveAnswer): string => texts.get(answer) as string

function buildAnswer (result: TurnResult): MoveAnswer {
  const { move, explanation, position } = result
  const sentence = explanation === null ? '' : `${explanation.sentence} `
  // "...and wins." already tells the outcome of a winning move; an empty board is a game to open.
  const message = explanation?.reason === 'win'
    ? explanation.sentence
    : position.xCount + position.oCount === 0
      ? `New game: ${position.turn} moves first. Pick a free cell from 1 to 9 (1-3 is the top row) and send it as human_position.`
      : `${sentence}${outcome(position)}`
  return {
    board: rows(position.board),
    status: position.finished ? 'end' : 'continue',
    winner: position.winner ?? (position.draw ? 'Draw' : 'No winner'),
    ai_move: move === null ? null : { position: move, row: Math.ceil(move / 3), column: ((move - 1) % 3) + 1 },
    reason: explanation?.reason ?? null,
    message,
    next_player: position.turn as Mark | null,
    winning_line: position.winningLine === null ? null : [...position.winningLine],
    positions: positionsOf(position.board),
    board_text: boardText(position.board)
  }
}

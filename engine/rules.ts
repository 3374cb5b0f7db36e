/**
 * The rules: whose turn it is, who has won, and which positions cannot arise in a real game.
 * A rejection is data (a code and one sentence a chat model can act on), never a thrown string.
 */
import { type Board, type Cell, type Mark, KEY_SPACE, boardKey, linesOf } from './board.js'

export type PositionErrorCode =
  | 'invalid_board_size'
  | 'invalid_mark'
  | 'too_many_x'
  | 'too_many_o'
  | 'both_won'
  | 'o_moved_after_x_won'
  | 'x_moved_after_o_won'
  | 'two_separate_lines'

export interface PositionError {
  code: PositionErrorCode
  message: string
}

export interface Position {
  board: Board
  xCount: number
  oCount: number
  /** The side to move, or null when the game is over. */
  turn: Mark | null
  winner: Mark | null
  /** The winning line as positions 1-9 (when two lines share the last move, their union). */
  winningLine: readonly number[] | null
  draw: boolean
  finished: boolean
}

export type Analysis = { ok: true, position: Position } | { ok: false, error: PositionError }

function reject (code: PositionErrorCode, message: string): Analysis {
  return { ok: false, error: { code, message } }
}

function isCell (value: string): value is Cell {
  return value === 'X' || value === 'O' || value === ' '
}

/** Checks a position and tells its state; `cells` holds 'X', 'O' or ' ' for positions 1-9. */
export function analyzePosition (cells: readonly string[]): Analysis {
  if (cells.length !== 9) {
    return reject('invalid_board_size', `A board has 9 cells, positions 1 to 9; this one has ${cells.length}.`)
  }
  const bad = cells.findIndex(cell => !isCell(cell))
  if (bad !== -1) {
    return reject('invalid_mark', `Position ${bad + 1} holds "${cells[bad]}"; each cell must be X, O or empty.`)
  }
  // There are only 3^9 boards and the answer depends on nothing else: each is worked out once.
  const key = boardKey(cells as Board)
  const known = analyses[key]
  if (known !== undefined) return known
  const analysis = analyzeBoard(Object.freeze(cells.slice()) as Board)
  analyses[key] = analysis
  return analysis
}

const analyses: Array<Analysis | undefined> = new Array(KEY_SPACE)

function analyzeBoard (board: Board): Analysis {
  let xCount = 0
  let oCount = 0
  for (const cell of board) {
    if (cell === 'X') xCount++
    else if (cell === 'O') oCount++
  }
  const xLines = linesOf(board, 'X')
  const oLines = linesOf(board, 'O')
  if (xLines.length > 0 && oLines.length > 0) {
    return reject('both_won', 'Both X and O have three in a row; the game stops at the first line, so this cannot happen.')
  }
  const lines = xLines.length > 0 ? xLines : oLines
  // Two lines can only come from one last move when they cross at that cell. Checked before the
  // counts: lines that do not cross are parallel, which also means too many marks, and the shape
  // is the clearer message.
  const cross = lines.length < 2 || lines[0].some(cell => lines.every(line => line.includes(cell)))
  if (!cross) {
    return reject('two_separate_lines', `${xLines.length > 0 ? 'X' : 'O'} has two separate lines of three; one last move can complete two lines only ` +
      'where they cross, so the game would have ended earlier.')
  }
  const counts = `the board has ${xCount} X and ${oCount} O`
  if (xCount > oCount + 1) {
    return reject('too_many_x', `X has played too often: ${counts}. X moves first and the players alternate, so X has as many marks as O or one more.`)
  }
  if (oCount > xCount) {
    return reject('too_many_o', `O has played too often: ${counts}. X moves first, so O never has more marks than X.`)
  }
  if (xLines.length > 0 && xCount !== oCount + 1) {
    return reject('o_moved_after_x_won', `X already has three in a row, but O moved after that (${counts}); the game ends at the first line.`)
  }
  if (oLines.length > 0 && xCount !== oCount) {
    return reject('x_moved_after_o_won', `O already has three in a row, but X moved after that (${counts}); the game ends at the first line.`)
  }

  const winner: Mark | null = xLines.length > 0 ? 'X' : oLines.length > 0 ? 'O' : null
  const full = xCount + oCount === 9
  const finished = winner !== null || full
  const winningLine = winner === null
    ? null
    : Object.freeze([...new Set(lines.flat())].sort((a, b) => a - b).map(cell => cell + 1))
  return {
    ok: true,
    position: {
      board,
      xCount,
      oCount,
      turn: finished ? null : xCount === oCount ? 'X' : 'O',
      winner,
      winningLine,
      draw: full && winner === null,
      finished
    }
  }
}

/** The state of a board reached by legal moves from a legal board, which is always legal. */
export function legalPosition (board: Board): Position {
  return (analyzePosition(board) as Extract<Analysis, { ok: true }>).position
}

/**
 * Perfect play by full search, solved once for every reachable position and then answered by lookup:
 * the best move never loses, wins as fast as it can and loses as slowly as it can.
 */
import { type Board, type Mark, KEY_SPACE, boardKey, emptyCells, opponentOf, place } from './board.js'

/**
 * The original minimax's scores, from the mover's point of view: a win d plies after the move
 * scores WIN - d, a loss -WIN + d, a draw 0.
 */
export const WIN = 10
/**
 * Ties between equally scored moves go by this order: the center, the corners, then the sides, so
 * the same position always gets the same answer.
 */
export const PREFERENCE: readonly number[] = [4, 0, 2, 6, 8, 1, 3, 5, 7]

/** Value of a position for the side to move: the best move's score. */
const NOT_SOLVED = -128
const values = new Int8Array(KEY_SPACE).fill(NOT_SOLVED)
const bestMoves = new Int8Array(KEY_SPACE).fill(-1)
let solved = false

function won (board: Board, mark: Mark, cell: number): boolean {
  // Only lines through the cell just played can have been completed by it.
  const r = cell - (cell % 3)
  const c = cell % 3
  if (board[r] === mark && board[r + 1] === mark && board[r + 2] === mark) return true
  if (board[c] === mark && board[c + 3] === mark && board[c + 6] === mark) return true
  if (cell % 4 === 0 && board[0] === mark && board[4] === mark && board[8] === mark) return true
  return (cell === 2 || cell === 4 || cell === 6) && board[2] === mark && board[4] === mark && board[6] === mark
}

/** A score one ply further from the mover: wins and losses move one step toward 0. */
function fromReply (replyValue: number): number {
  const score = -replyValue
  return score - Math.sign(score)
}

function search (board: Board, mover: Mark, key: number): number {
  const known = values[key]
  if (known !== NOT_SOLVED) return known
  let best = -Infinity
  let bestCell = -1
  const free = emptyCells(board)
  for (const cell of PREFERENCE) {
    if (board[cell] !== ' ') continue
    const next = place(board, cell, mover)
    const nextKey = key + (mover === 'X' ? 1 : 2) * 3 ** cell
    const score = won(next, mover, cell)
      ? WIN
      : free.length === 1 ? 0 : fromReply(search(next, opponentOf(mover), nextKey))
    // Strictly greater: the first move in preference order wins a tie.
    if (score > best) {
      best = score
      bestCell = cell
    }
  }
  values[key] = best
  bestMoves[key] = bestCell
  return best
}

/** Solves every position reachable from the empty board; later calls do nothing. */
export function solveAll (): void {
  if (solved) return
  search(Array(9).fill(' '), 'X', 0)
  solved = true
}

/** The solution, as two tables indexed by board key: each position's value and its best move. */
export interface SolvedPositions { values: Int8Array, bestMoves: Int8Array }

/** The solution, solved if it was not (to be kept, and given back with `useSolvedPositions`). */
export function solvedPositions (): SolvedPositions {
  solveAll()
  return { values, bestMoves }
}

/** Takes a solution `solvedPositions` gave (here or in another process) instead of solving again. */
export function useSolvedPositions (solution: SolvedPositions): void {
  if (solved) return
  values.set(solution.values)
  bestMoves.set(solution.bestMoves)
  solved = true
}

function moverOf (board: Board): Mark {
  let marks = 0
  for (const cell of board) if (cell !== ' ') marks++
  return marks % 2 === 0 ? 'X' : 'O'
}

/**
 * The perfect move (cell index 0-8) for the side to move in a legal, unfinished position.
 * Callers check the position with `analyzePosition` first; anything else answers -1.
 */
export function bestMove (board: Board): number {
  solveAll()
  return bestMoves[boardKey(board)]
}

/** The score (see above) of playing `cell` for the side to move. */
export function scoreOfMove (board: Board, cell: number): number {
  solveAll()
  const mover = moverOf(board)
  const next = place(board, cell, mover)
  if (won(next, mover, cell)) return WIN
  if (emptyCells(next).length === 0) return 0
  return fromReply(values[boardKey(next)])
}

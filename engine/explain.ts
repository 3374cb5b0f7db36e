/**
 * Why a move was played, told truthfully from the position alone (whatever policy chose the move):
 * a reason code and one short sentence a chat can read out.
 */
import { type Board, type Mark, CENTER, CORNERS, LINES, boardKey, opponentOf, place, winningCells } from './board.js'

export type ReasonCode =
  | 'win' | 'block' | 'fork' | 'block_fork' | 'threat'
  | 'center' | 'opposite_corner' | 'corner' | 'side'

export interface Explanation {
  reason: ReasonCode
  sentence: string
}

/** Empty cells where `mark` would make two threats at once (a fork). */
export function forkCells (board: Board, mark: Mark): number[] {
  const cells: number[] = []
  for (let cell = 0; cell < 9; cell++) {
    if (board[cell] !== ' ') continue
    if (winningCells(place(board, cell, mark), mark).length >= 2) cells.push(cell)
  }
  return cells
}

function lineThrough (cell: number, board: Board, mark: Mark): string {
  const line = LINES.find(l => l.includes(cell) && l.every(c => c === cell || board[c] === mark))
  // Only called for a winning move, so a completed line exists.
  return (line as readonly number[]).map(c => c + 1).join('-')
}

const explanations = new Map<number, Explanation>()

/** The reason for `mover` playing `cell` on `board` (the board before the move); worked out once per move. */
export function explainMove (board: Board, cell: number, mover: Mark): Explanation {
  const id = (boardKey(board) * 9 + cell) * 2 + (mover === 'X' ? 0 : 1)
  let explanation = explanations.get(id)
  if (explanation === undefined) {
    explanation = Object.freeze(describeMove(board, cell, mover))
    explanations.set(id, explanation)
  }
  return explanation
}

function describeMove (board: Board, cell: number, mover: Mark): Explanation {
  const opponent = opponentOf(mover)
  const position = cell + 1
  const after = place(board, cell, mover)
  if (winningCells(board, mover).includes(cell)) {
    return { reason: 'win', sentence: `${mover} completes the line ${lineThrough(cell, board, mover)} and wins.` }
  }
  if (winningCells(board, opponent).includes(cell)) {
    return { reason: 'block', sentence: `${mover} blocks ${opponent}'s line at ${position}.` }
  }
  const threats = winningCells(after, mover)
  if (threats.length >= 2) {
    return { reason: 'fork', sentence: `${mover} plays ${position} and threatens to win at both ${threats.map(c => c + 1).join(' and ')}.` }
  }
  if (forkCells(board, opponent).includes(cell)) {
    return { reason: 'block_fork', sentence: `${mover} takes ${position}, where ${opponent} could have made two threats at once.` }
  }
  if (threats.length === 1) {
    return { reason: 'threat', sentence: `${mover} plays ${position}, two in a row, so ${opponent} must answer at ${threats[0] + 1}.` }
  }
  if (cell === CENTER) {
    return { reason: 'center', sentence: `${mover} takes the center.` }
  }
  if (CORNERS.includes(cell)) {
    if (board[8 - cell] === opponent) {
      return { reason: 'opposite_corner', sentence: `${mover} takes corner ${position}, opposite ${opponent}'s corner ${9 - cell}.` }
    }
    return { reason: 'corner', sentence: `${mover} takes corner ${position}.` }
  }
  return { reason: 'side', sentence: `${mover} takes the side cell ${position}.` }
}

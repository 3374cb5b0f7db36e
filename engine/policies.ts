/**
 * How each difficulty picks a move; randomness comes from an injected source so games can be replayed.
 */
import { type Board, type Mark, emptyCells, opponentOf, winningCells } from './board.js'
import { bestMove } from './solver.js'

export type Difficulty = 'easy' | 'medium' | 'hard'
export const DIFFICULTIES: readonly Difficulty[] = ['easy', 'medium', 'hard']

/** Returns a number in [0, 1), like Math.random. */
export type RandomSource = () => number

function pick<T> (items: readonly T[], random: RandomSource): T {
  return items[Math.floor(random() * items.length)]
}

/** A repeatable source (mulberry32): the same seed gives the same sequence. */
export function seededRandom (seed: number): RandomSource {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * The cell (0-8) that `mover` plays at `difficulty` on a legal, unfinished board where it is to move.
 * Hard plays perfectly (./solver.ts); easy, any legal move. Medium takes a win in one, else blocks
 * one, else flips a coin between the perfect move and any legal one: it never misses the obvious,
 * but walks into forks often enough that a person can learn to beat it.
 */
export function chooseMove (board: Board, mover: Mark, difficulty: Difficulty, random: RandomSource): number {
  if (difficulty === 'hard') return bestMove(board)
  if (difficulty === 'easy') return pick(emptyCells(board), random)
  const wins = winningCells(board, mover)
  if (wins.length > 0) return wins[0]
  const blocks = winningCells(board, opponentOf(mover))
  if (blocks.length > 0) return blocks[0]
  return random() < 0.5 ? bestMove(board) : pick(emptyCells(board), random)
}

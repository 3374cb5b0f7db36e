/**
 * The whole game tree, walked move by move from the empty board: the reachable positions and the
 * count of possible games. Used to prove the engine (tests) and to measure it (benchmark).
 */
import { type Board, EMPTY_BOARD, boardKey, emptyCells, place } from './board.js'
import { type Position, legalPosition } from './rules.js'

/** Every position reachable in a real game (each once), the empty board first. */
export function reachablePositions (): Position[] {
  const seen = new Set<number>()
  const positions: Position[] = []
  const visit = (board: Board): void => {
    const key = boardKey(board)
    if (seen.has(key)) return
    seen.add(key)
    const position = legalPosition(board)
    positions.push(position)
    if (position.turn === null) return
    for (const cell of emptyCells(board)) visit(place(board, cell, position.turn))
  }
  visit(EMPTY_BOARD)
  return positions
}

export interface GameCounts {
  games: number
  xWins: number
  oWins: number
  draws: number
}

/** Counts every distinct sequence of moves that ends a game. */
export function countGames (): GameCounts {
  const counts: GameCounts = { games: 0, xWins: 0, oWins: 0, draws: 0 }
  const play = (board: Board): void => {
    const position = legalPosition(board)
    if (position.turn === null) {
      counts.games++
      if (position.winner === 'X') counts.xWins++
      else if (position.winner === 'O') counts.oWins++
      else counts.draws++
      return
    }
    for (const cell of emptyCells(board)) play(place(board, cell, position.turn))
  }
  play(EMPTY_BOARD)
  return counts
}

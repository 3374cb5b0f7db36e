import t from 'tap'
import { type Board, type Mark, EMPTY_BOARD, analyzePosition, bestMove, emptyCells, place } from '../../engine/index.js'

// Walks the whole tree: the engine answers with its move, the opponent tries every reply.
function playAll (engine: Mark): { games: number, losses: number, wins: number } {
  const result = { games: 0, losses: 0, wins: 0 }
  const walk = (board: Board): void => {
    const analysis = analyzePosition(board)
    if (!analysis.ok) throw new Error('the engine reached an illegal position')
    const { turn, winner } = analysis.position
    if (turn === null) {
      result.games++
      if (winner === engine) result.wins++
      else if (winner !== null) result.losses++
      return
    }
    if (turn === engine) walk(place(board, bestMove(board), engine))
    else for (const cell of emptyCells(board)) walk(place(board, cell, turn))
  }
  walk(EMPTY_BOARD)
  return result
}

t.test('as X, against every possible reply, the engine never loses', async t => {
  const { games, losses, wins } = playAll('X')
  t.equal(losses, 0)
  t.ok(games > 0 && wins > 0, `${games} games, ${wins} won`)
})

t.test('as O, against every possible reply, the engine never loses', async t => {
  const { games, losses, wins } = playAll('O')
  t.equal(losses, 0)
  t.ok(games > 0 && wins > 0, `${games} games, ${wins} won`)
})

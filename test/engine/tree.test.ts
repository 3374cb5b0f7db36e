import t from 'tap'
import { type Board, type Cell, analyzePosition, boardKey, countGames, reachablePositions } from '../../engine/index.js'

t.test('the enumeration reproduces the published figures', async t => {
  const positions = reachablePositions()
  t.equal(positions.length, 5478, 'reachable positions')
  t.equal(positions.filter(p => p.finished).length, 958, 'final positions')
  t.same(countGames(), { games: 255168, xWins: 131184, oWins: 77904, draws: 46080 })
})

t.test('the rules accept exactly the reachable positions among all 3^9 boards', async t => {
  const reachable = new Set(reachablePositions().map(p => boardKey(p.board)))
  const marks: Cell[] = [' ', 'X', 'O']
  let accepted = 0
  let disagreements = 0
  for (let n = 0; n < 19683; n++) {
    const board: Cell[] = []
    for (let i = 0, rest = n; i < 9; i++, rest = Math.floor(rest / 3)) board.push(marks[rest % 3])
    const ok = analyzePosition(board as Board).ok
    if (ok) accepted++
    if (ok !== reachable.has(boardKey(board))) disagreements++
  }
  t.equal(accepted, 5478)
  t.equal(disagreements, 0)
})

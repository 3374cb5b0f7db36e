import t from 'tap'
import { type Board, type Cell, type Mark, bestMove, reachablePositions, scoreOfMove, solveAll } from '../../engine/index.js'

// A plain full-depth minimax, written here from the rules and independent of the engine's tables:
// a win d plies after the move scores 10 - d, a loss -10 + d, a draw 0.
const LINES = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6]]
const hasLine = (b: Cell[], m: Mark): boolean => LINES.some(l => l.every(i => b[i] === m))
const memo = new Map<string, number>()

function moveScore (board: Cell[], cell: number, mover: Mark): number {
  const next = board.slice()
  next[cell] = mover
  if (hasLine(next, mover)) return 10
  if (!next.includes(' ')) return 0
  const other: Mark = mover === 'X' ? 'O' : 'X'
  const key = next.join('') + other
  let reply = memo.get(key)
  if (reply === undefined) {
    reply = Math.max(...next.flatMap((c, i) => c === ' ' ? [moveScore(next, i, other)] : []))
    memo.set(key, reply)
  }
  // The opponent's best, seen from the mover one ply further away.
  return reply > 0 ? -reply + 1 : reply < 0 ? -reply - 1 : 0
}

const open = reachablePositions().filter(p => !p.finished)

t.test('the chosen move has the best score in every unfinished reachable position', async t => {
  solveAll()
  let wrong = 0
  let scoresDiffer = 0
  for (const { board, turn } of open) {
    const cells = board.slice()
    const scores = cells.map((c, i) => c === ' ' ? moveScore(cells, i, turn as Mark) : -Infinity)
    const best = bestMove(board)
    if (scores[best] !== Math.max(...scores)) wrong++
    for (let i = 0; i < 9; i++) if (cells[i] === ' ' && scoreOfMove(board, i) !== scores[i]) scoresDiffer++
  }
  t.equal(open.length, 4520)
  t.equal(wrong, 0, 'moves that are not the best')
  t.equal(scoresDiffer, 0, 'move scores that differ from the plain minimax')
})

t.test('ties are broken by the documented preference: center, corners, sides', async t => {
  const empty = Array<Cell>(9).fill(' ')
  t.equal(bestMove(empty), 4, 'every first move draws, so X takes the center')
  const corner: Board = ['X', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ']
  t.equal(bestMove(corner), 4, 'only the center holds the draw against a corner opening')
  t.equal(scoreOfMove(corner, 4), 0)
  t.ok([1, 2, 3, 5, 6, 7, 8].every(cell => scoreOfMove(corner, cell) < 0), 'every other reply loses')
})

t.test('wins as fast as it can and loses as slowly as it can', async t => {
  // X can win at once at 3 or set up a slower win; it must take 3 now.
  const board: Board = ['X', 'X', ' ', 'O', 'O', ' ', ' ', ' ', ' ']
  t.equal(bestMove(board), 2)
  t.equal(scoreOfMove(board, 2), 10)
  // X (1, 5) threatens 9 and wins anyway after the block with a fork, but blocking delays the loss.
  const lost: Board = ['X', 'O', ' ', ' ', 'X', ' ', ' ', ' ', ' ']
  t.equal(bestMove(lost), 8, 'O blocks at 9')
  t.equal(scoreOfMove(lost, 8), -7, 'X then wins three plies after the block')
  t.equal(scoreOfMove(lost, 2), -9, 'any other move loses at once')
})

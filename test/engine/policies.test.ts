import t from 'tap'
import { type Difficulty, type Mark, chooseMove, opponentOf, reachablePositions, seededRandom, winningCells } from '../../engine/index.js'

const open = reachablePositions().filter(p => !p.finished)

t.test('easy and medium only ever play legal moves', async t => {
  for (const difficulty of ['easy', 'medium'] as Difficulty[]) {
    let illegal = 0
    for (let seed = 1; seed <= 5; seed++) {
      const random = seededRandom(seed)
      for (const { board, turn } of open) {
        const cell = chooseMove(board, turn as Mark, difficulty, random)
        if (!(cell >= 0 && cell < 9 && board[cell] === ' ')) illegal++
      }
    }
    t.equal(illegal, 0, difficulty)
  }
})

t.test('medium never misses a win in one or a needed block', async t => {
  let missedWins = 0
  let missedBlocks = 0
  let positionsWithABlock = 0
  for (let seed = 1; seed <= 5; seed++) {
    const random = seededRandom(seed)
    for (const { board, turn } of open) {
      const mover = turn as Mark
      const cell = chooseMove(board, mover, 'medium', random)
      const wins = winningCells(board, mover)
      const threats = winningCells(board, opponentOf(mover))
      if (wins.length > 0) {
        if (!wins.includes(cell)) missedWins++
      } else if (threats.length > 0) {
        positionsWithABlock++
        if (!threats.includes(cell)) missedBlocks++
      }
    }
  }
  t.ok(positionsWithABlock > 0)
  t.equal(missedWins, 0)
  t.equal(missedBlocks, 0)
})

t.test('easy and medium are not perfect: they sometimes leave the best move', async t => {
  const random = seededRandom(7)
  const { board, turn } = open[0] // the empty board: only the center is preferred by hard
  const picks = new Set<number>()
  for (let i = 0; i < 50; i++) picks.add(chooseMove(board, turn as Mark, 'easy', random))
  t.ok(picks.size > 3, `easy opened at ${picks.size} different cells`)
})

t.test('a seeded source gives the same sequence twice, a different seed another', async t => {
  const draw = (seed: number): number[] => { const r = seededRandom(seed); return Array.from({ length: 20 }, () => r()) }
  t.same(draw(42), draw(42))
  t.not(draw(42).join(), draw(43).join())
  t.ok(draw(42).every(x => x >= 0 && x < 1))
})

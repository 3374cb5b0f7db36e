import t from 'tap'
import { type Board, bestMove, explainMove, forkCells } from '../../engine/index.js'

const board = (s: string): Board => [...s].map(c => c === '.' ? ' ' : c) as Board

t.test('explanations on positions where the answer is known', async t => {
  t.same(explainMove(board('XX.OO....'), 2, 'X'), { reason: 'win', sentence: 'X completes the line 1-2-3 and wins.' })
  t.same(explainMove(board('XX..O....'), 2, 'O'), { reason: 'block', sentence: "O blocks X's line at 3." })
  t.same(explainMove(board('XO..X...O'), 6, 'X'), { reason: 'fork', sentence: 'X plays 7 and threatens to win at both 3 and 4.' })
  t.same(explainMove(board('X...O...X'), 2, 'O'), { reason: 'block_fork', sentence: 'O takes 3, where X could have made two threats at once.' })
  t.same(explainMove(board('X...O...X'), 1, 'O'), { reason: 'threat', sentence: 'O plays 2, two in a row, so X must answer at 8.' })
  t.same(explainMove(board('X........'), 4, 'O'), { reason: 'center', sentence: 'O takes the center.' })
  t.same(explainMove(board('O...X....'), 8, 'X'), { reason: 'opposite_corner', sentence: "X takes corner 9, opposite O's corner 1." })
  t.same(explainMove(board('.........'), 0, 'X'), { reason: 'corner', sentence: 'X takes corner 1.' })
  t.same(explainMove(board('.........'), 1, 'X'), { reason: 'side', sentence: 'X takes the side cell 2.' })
})

t.test('a block is only called a block where the opponent had a win in one', async t => {
  t.equal(explainMove(board('X........'), 1, 'O').reason, 'side', 'next to a lone X is no block')
  t.equal(explainMove(board('XX..O....'), 2, 'O').reason, 'block', 'the cell that completes X\'s two in a row is')
})

t.test('the perfect move is explained by what it really does', async t => {
  t.equal(explainMove(board('XO..X...O'), bestMove(board('XO..X...O')), 'X').reason, 'fork')
  t.equal(explainMove(board('X...O...X'), bestMove(board('X...O...X')), 'O').reason, 'threat', 'against two opposite corners O must play a side')
  t.same(forkCells(board('X...O...X'), 'X'), [2, 6])
})

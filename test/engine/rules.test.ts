import t from 'tap'
import { analyzePosition } from '../../engine/index.js'

// Boards are written as 9-character strings, '.' for an empty cell, positions 1-9 row by row.
const cells = (s: string): string[] => [...s].map(c => c === '.' ? ' ' : c)

t.test('every class of impossible position is rejected with its own code', async t => {
  const cases: Array<[string, string[] | string, string]> = [
    ['invalid_board_size', ['X', 'O'], 'A board has 9 cells, positions 1 to 9; this one has 2.'],
    ['invalid_mark', 'X..Z.....', 'Position 4 holds "Z"; each cell must be X, O or empty.'],
    ['too_many_x', 'XX.......', 'X has played too often: the board has 2 X and 0 O. X moves first and the players alternate, so X has as many marks ' +
      'as O or one more.'],
    ['too_many_o', 'O........', 'O has played too often: the board has 0 X and 1 O. X moves first, so O never has more marks than X.'],
    ['both_won', 'XXXOOO...', 'Both X and O have three in a row; the game stops at the first line, so this cannot happen.'],
    ['o_moved_after_x_won', 'XXXOO.O..', 'X already has three in a row, but O moved after that (the board has 3 X and 3 O); the game ends at the first line.'],
    ['x_moved_after_o_won', 'OOOXX.XX.', 'O already has three in a row, but X moved after that (the board has 4 X and 3 O); the game ends at the first line.'],
    ['two_separate_lines', 'XXXOO.XXX', 'X has two separate lines of three; one last move can complete two lines only where they cross, so the game ' +
      'would have ended earlier.'],
    ['two_separate_lines', 'O.OO.OO.O', 'O has two separate lines of three; one last move can complete two lines only where they cross, so the game ' +
      'would have ended earlier.']
  ]
  for (const [code, board, message] of cases) {
    const analysis = analyzePosition(typeof board === 'string' ? cells(board) : board)
    t.same(analysis, { ok: false, error: { code, message } }, code)
  }
})

t.test('two lines through the last move are a legal win', async t => {
  // X's last move at 5 completes 1-5-9 and 3-5-7 at once.
  const analysis = analyzePosition(cells('XOXOXOXOX'))
  t.match(analysis, { ok: true, position: { winner: 'X', winningLine: [1, 3, 5, 7, 9], finished: true, turn: null, draw: false } })
})

t.test('the state of legal positions', async t => {
  t.match(analyzePosition(cells('.........')), { ok: true, position: { turn: 'X', winner: null, finished: false, xCount: 0, oCount: 0 } })
  t.match(analyzePosition(cells('X........')), { ok: true, position: { turn: 'O', winner: null, winningLine: null } })
  t.match(analyzePosition(cells('OOOXX.X..')), { ok: true, position: { turn: null, winner: 'O', winningLine: [1, 2, 3], finished: true } })
  t.match(analyzePosition(cells('XOXXOOOXX')), { ok: true, position: { turn: null, winner: null, draw: true, finished: true } })
})

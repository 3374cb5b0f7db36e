import t from 'tap'
import { type Board, boardText } from '../../engine/index.js'

t.test('the text grid shows marks and numbers the free cells', async t => {
  const board = [...'X...O...X'].map(c => c === '.' ? ' ' : c) as Board
  t.equal(boardText(board), ' X | 2 | 3\n---+---+---\n 4 | O | 6\n---+---+---\n 7 | 8 | X')
})

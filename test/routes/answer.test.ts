import t from 'tap'
import { moveRequestFrom } from '../../routes/human-move/answer.js'

t.test('a query without ai_player or difficulty means the original game: AI is O, perfect play', async t => {
  t.same(moveRequestFrom({ position_1: 'X', position_2: '' }), {
    cells: ['X', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '],
    aiPlayer: 'O',
    difficulty: 'hard',
    humanPosition: undefined
  })
})

/**
 * Between the wire format and the engine, each way: what a chat model writes becomes the query the
 * schema validates (or one line saying what to send instead), the query becomes the engine's
 * request, and the engine's result becomes the answer, built once per position and move.
 */
import t from 'tap'
import { playTurn } from '../../../engine/index.js'
import { answerJson, moveAnswer, moveRequestFrom, normalizeMoveInput, positionsOf, turnRefusal } from '../../../routes/human-move/answer.js'

/** normalizeMoveInput on a copy: the problem it names, and the input as it leaves it. */
function normalized (input: Record<string, unknown>): { problem: string | null, input: Record<string, unknown> } {
  const copy = { ...input }
  return { problem: normalizeMoveInput(copy), input: copy }
}

t.test('marks in either case and with stray spaces are the marks; difficulty is lower-cased', async t => {
  t.same(normalized({ position_1: ' x', position_5: 'o ', ai_player: 'x', difficulty: ' Easy ' }),
    { problem: null, input: { position_1: 'X', position_5: 'O', ai_player: 'X', difficulty: 'easy' } })
  t.same(normalized({ position_1: 'Z' }), { problem: null, input: { position_1: 'Z' } }, 'a wrong mark is left for the schema to name')
})

t.test('a parameter name in another case is that parameter; the same one in two cases is a repeat', async t => {
  t.same(normalized({ Position_1: 'X', AI_PLAYER: 'o' }), { problem: null, input: { position_1: 'X', ai_player: 'O' } })
  const twice = normalized({ position_2: 'X', POSITION_2: 'O' })
  t.equal(twice.problem, null)
  t.same(twice.input, { position_2: ['X', 'O'] }, 'left as a list, which validation refuses with "give it once"')
  t.same(normalized({ other: 'kept', Other: 'kept too' }).input, { other: 'kept', Other: 'kept too' }, 'unknown names are left for the schema')
})

t.test('a parameter written as an array is refused with the form to use', async t => {
  t.equal(normalized({ 'position_1[]': 'X' }).problem,
    'position_1[] is not a parameter: send position_1 once, with no brackets, such as position_1=X.')
  t.equal(normalized({ 'human_position[0]': '5' }).problem,
    'human_position[0] is not a parameter: send human_position once, with no brackets, such as human_position=5.')
  const long = normalized({ [`position_1[${'x'.repeat(2000)}]`]: 'X' }).problem ?? ''
  t.ok(long.length < 200, `a long name is cut short (${long.length} characters)`)
})

t.test('human_position is digits only: what JavaScript would also read as a number is refused', async t => {
  t.same(normalized({ human_position: ' 5 ' }).input, { human_position: 5 })
  t.same(normalized({ human_position: '12' }).input, { human_position: 12 }, 'out of range is left for the schema to name')
  for (const value of ['Infinity', '1e309', '0x5', '5.0', '-1', '', '1234']) {
    t.equal(normalized({ human_position: value }).problem, `human_position must be a whole number from 1 to 9 (got ${JSON.stringify(value)}).`, value)
  }
  t.same(normalized({ human_position: 7 }), { problem: null, input: { human_position: 7 } }, 'a number from a JSON body is left as it is')
})

t.test('the query becomes the engine\'s request: the original game unless ai_player or difficulty say otherwise', async t => {
  t.same(moveRequestFrom({ position_1: 'X', position_2: '' }), {
    cells: ['X', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '],
    aiPlayer: 'O',
    difficulty: 'hard',
    humanPosition: undefined
  })
  t.same(moveRequestFrom({ position_5: 'O', position_9: 'X', ai_player: 'X', difficulty: 'easy', human_position: 3 }), {
    cells: [' ', ' ', ' ', ' ', 'O', ' ', ' ', ' ', 'X'],
    aiPlayer: 'X',
    difficulty: 'easy',
    humanPosition: 3
  })
})

t.test('each refusal of the engine carries the fix for the caller\'s mistake', async t => {
  const refusal = (cells: string, humanPosition?: number) => {
    const turn = playTurn({ cells: [...cells] as never, aiPlayer: 'O', difficulty: 'hard', humanPosition })
    if (turn.ok) throw new Error(`${cells} was played`)
    return turnRefusal(turn.error)
  }
  const taken = refusal('X   O    ', 1)
  t.equal(taken.statusCode, 400)
  t.equal(taken.code, 'cell_taken')
  t.match(taken.message, /Ask the player for one of those and send it as human_position\.$/)
  t.match(refusal('XXXOO    ', 6).message, /To play again, call with an empty board\.$/, 'game over')
  t.match(refusal('X        ', 5).message, /Send the board without human_position, or check ai_player\.$/, 'not the player\'s turn')
  t.match(refusal('XX       ').message, /Send the board exactly as the last answer gave it in positions\.$/, 'an impossible board')
})

t.test('the answer says the move, the outcome and the next call\'s board', async t => {
  const played = (cells: string, humanPosition?: number) => {
    const turn = playTurn({ cells: [...cells] as never, aiPlayer: 'O', difficulty: 'hard', humanPosition }, () => 0)
    if (!turn.ok) throw new Error(turn.error.message)
    return moveAnswer(turn.turn)
  }
  const opening = played('         ')
  t.equal(opening.status, 'continue')
  t.equal(opening.ai_move, null, 'X moves first: the AI waits')
  t.match(opening.message, /^New game: X moves first\./)

  const win = played('XX OO X  ')
  t.same(win.ai_move, { position: 6, row: 2, column: 3 })
  t.equal(win.status, 'end')
  t.equal(win.winner, 'O')
  t.same(win.winning_line, [4, 5, 6])
  t.equal(win.reason, 'win')
  t.same(win.positions, {
    position_1: 'X', position_2: 'X', position_3: '', position_4: 'O', position_5: 'O', position_6: 'O', position_7: 'X', position_8: '', position_9: ''
  }, 'an empty cell is "", the form the next call takes')
  t.same(positionsOf([...'O        '] as never), { ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`position_${i + 1}`, ''])), position_1: 'O' })
  t.equal(win.board_text, ' X | X | 3\n---+---+---\n O | O | O\n---+---+---\n X | 8 | 9')

  const draw = played('XOXXOOOX ', 9)
  t.equal(draw.winner, 'Draw')
  t.match(draw.message, /The board is full: the game is a draw\.$/)
})

t.test('one answer and one JSON per position and move, shared', async t => {
  const turn = () => {
    const played = playTurn({ cells: [...'X        '] as never, aiPlayer: 'O', difficulty: 'hard' }, () => 0)
    if (!played.ok) throw new Error(played.error.message)
    return played.turn
  }
  const first = moveAnswer(turn())
  t.equal(moveAnswer(turn()), first, 'the same object')
  t.equal(answerJson(first), JSON.stringify(first))
})

import t, { type Test } from 'tap'
import { buildApp } from '../../helper.js'
import {
  type MoveAnswer, boardText, canPlay, humanMark, modelContext, moveArguments, newGame, openingArguments,
  stateFromInput, stateFromResult, statusText
} from '../../../views/board/state.js'

/** A real answer from the service, so the view is tested on what it will be given. */
async function answer (t: Test, query: string): Promise<MoveAnswer> {
  const app = await buildApp(t)
  return (await app.inject(`/human_move?${query}`)).json()
}

t.test('a new game: the player is X and opens, every cell free', async t => {
  const game = newGame()
  t.same(game.cells, ['', '', '', '', '', '', '', '', ''])
  t.equal(humanMark(game), 'X')
  t.ok(canPlay(game, 5))
  t.equal(statusText(game), 'Your turn: you play X.')
  t.same(openingArguments(false, 'hard'), null, 'the player opens: no call until the first click')
  t.same(openingArguments(true, 'easy'), { ai_player: 'X', difficulty: 'easy' })
})

t.test('while a call runs: the board from its arguments, the player\'s new cell placed', async t => {
  const partial = stateFromInput({ position_1: 'x', position_5: 'O', human_position: 9, difficulty: 'Medium' })
  t.same(partial.cells, ['X', '', '', '', 'O', '', '', '', 'X'])
  t.equal(partial.difficulty, 'medium')
  t.equal(partial.next, 'O', 'the AI is to move')
  t.notOk(canPlay(partial, 2), 'no click while the AI moves')
  t.equal(statusText(partial), 'The AI is thinking…')
  t.same(stateFromInput({ human_position: 5, ai_player: 'X' }).cells[4], 'O', 'the player is O when the AI is X')
  t.same(stateFromInput({ position_5: 'X', human_position: 5 }).cells[4], 'X', 'a taken cell is not overwritten')
  t.same(stateFromInput({ human_position: 'ten', difficulty: 'impossible', ai_player: 7 }), { ...newGame(), next: 'O' }, 'what cannot be read is left out')
  t.same(stateFromInput().cells, newGame().cells, 'no arguments yet')
})

t.test('after a call: the server\'s board and words, with the call\'s settings', async t => {
  const args = { position_1: 'X', position_5: 'O', human_position: 9, difficulty: 'hard' }
  const state = stateFromResult(await answer(t, 'position_1=X&position_5=O&human_position=9'), args)
  t.same(state.cells, ['X', 'O', '', '', 'O', '', '', '', 'X'])
  t.equal(state.aiMove, 2)
  t.equal(state.next, 'X')
  t.equal(state.outcome, null)
  t.match(state.message, 'O plays 2')
  t.ok(canPlay(state, 8))
  t.notOk(canPlay(state, 2), 'an occupied cell')
  t.same(moveArguments(state, 8), { position_1: 'X', position_2: 'O', position_5: 'O', position_9: 'X', human_position: 8, ai_player: 'O', difficulty: 'hard' })
})

t.test('a finished game: the outcome in words, the line, no more clicks', async t => {
  const lost = stateFromResult(await answer(t, 'position_1=X&position_2=X&position_4=O&position_5=O&position_9=X'), {})
  t.equal(lost.outcome, 'O')
  t.same(lost.winningLine, [4, 5, 6])
  t.equal(statusText(lost), 'The AI (O) wins with 4-5-6.')
  t.equal(statusText(lost, 'model'), 'The AI (O) won with 4-5-6.')
  t.notOk([1, 2, 3, 4, 5, 6, 7, 8, 9].some(cell => canPlay(lost, cell)))
  t.match(modelContext(lost).structured, { status: 'end', winner: 'O', next_player: null })

  const won = stateFromResult(await answer(t, 'position_1=X&position_2=X&position_4=O&position_5=O&human_position=3'), {})
  t.equal(won.outcome, 'X')
  t.equal(statusText(won), 'You win with 1-2-3.')
  t.equal(statusText(won, 'model'), `The player (X) won with ${won.winningLine.join('-')}.`)

  const draw = stateFromResult(
    await answer(t, 'position_1=X&position_2=O&position_3=X&position_4=X&position_5=O&position_6=O&position_7=O&position_8=X&human_position=9'),
    {}
  )
  t.equal(draw.outcome, 'Draw')
  t.equal(statusText(draw), 'Draw: the board is full.')
})

t.test('what the model is told after a move in the view', async t => {
  const state = stateFromResult(await answer(t, 'ai_player=X&difficulty=easy&position_5=X&human_position=1'), { ai_player: 'X', difficulty: 'easy' })
  const { text, structured } = modelContext(state)
  t.match(text, /^The player is playing tic-tac-toe in the board view \(player O, AI X, easy\)\. It is the player's turn \(O\)\./)
  t.match(text, boardText(state.cells))
  t.match(structured, {
    next_player: 'O',
    status: 'continue',
    winner: 'No winner',
    ai_player: 'X',
    difficulty: 'easy',
    positions: { position_1: 'O', position_5: 'X' }
  })
  t.equal(statusText({ ...state, next: 'X' }, 'model'), "It is the AI's turn (X).")
  t.equal(boardText(['X', '', '', '', 'O', '', '', '', '']), ' X | 2 | 3\n---+---+---\n 4 | O | 6\n---+---+---\n 7 | 8 | 9')
})

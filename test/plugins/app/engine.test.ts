/** The engine as the app's decorator: solved once at start, then a turn is a lookup, replayable with the app's random source. */
import t from 'tap'
import { type TurnRequest, seededRandom } from '../../../engine/index.js'
import { buildApp } from '../../helper.js'

t.test('a turn through the decorator is the engine\'s, and the random difficulties replay with the same source', async t => {
  const [one, two] = [await buildApp(t, {}, { random: seededRandom(7) }), await buildApp(t, {}, { random: seededRandom(7) })]
  await Promise.all([one.ready(), two.ready()])
  const easy: TurnRequest = { cells: [' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '], aiPlayer: 'O', difficulty: 'easy', humanPosition: 1 }
  const moves = [1, 2, 3, 4, 5, 6].map(() => [one.engine.playTurn(easy), two.engine.playTurn(easy)])
  for (const [a, b] of moves) t.same(a, b)
  t.ok(new Set(moves.map(([a]) => JSON.stringify(a))).size > 1, 'easy is random')
  t.match(one.engine.playTurn({ ...easy, difficulty: 'hard' }), { ok: true, turn: { move: 5 } }, 'hard answers a corner with the center')
})

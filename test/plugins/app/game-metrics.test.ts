/** The game's own counters, on the metrics port's registry: moves, finished games by outcome. */
import t from 'tap'
import { freePort } from '../../process-helper.js'
import { buildApp } from '../../helper.js'

/** The value of one sample in Prometheus' text format, or 0 when absent. */
function sample (text: string, name: string, labels: string): number {
  const line = text.split('\n').find(one => one.startsWith(`${name}{${labels}}`))
  return line === undefined ? 0 : Number(line.split(' ').at(-1))
}

t.test('outcomes: the player can win, and a draw is a draw', async t => {
  const metricsPort = await freePort()
  const app = await buildApp(t, { METRICS_PORT: String(metricsPort) })
  await app.listen({ host: '127.0.0.1', port: 0 })
  await app.inject('/human_move?position_1=X&position_2=X&position_4=O&position_5=O&human_position=3')
  await app.inject('/human_move?position_1=X&position_2=O&position_3=X&position_4=X&position_5=O&position_6=O&position_7=O&position_8=X&human_position=9')
  await app.inject('/human_move?position_1=X&position_2=X&position_3=X&position_4=O&position_5=O')
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()
  t.equal(sample(text, 'tictactoe_games_finished_total', 'outcome="player"'), 1)
  t.equal(sample(text, 'tictactoe_games_finished_total', 'outcome="draw"'), 1)
  t.equal(sample(text, 'tictactoe_moves_total', 'door="http",difficulty="hard"'), 2, 'a finished board sent again is no move')
})

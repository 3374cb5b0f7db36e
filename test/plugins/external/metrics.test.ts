/** Metrics on their own port after a known mix of calls; none on the public port. */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import t from 'tap'
import { freePort } from '../../process-helper.js'
import { buildApp } from '../../helper.js'

/** The value of one sample in Prometheus' text format, or 0 when absent. */
function sample (text: string, name: string, labels: string): number {
  const line = text.split('\n').find(one => one.startsWith(`${name}{${labels}}`))
  return line === undefined ? 0 : Number(line.split(' ').at(-1))
}

t.test('the metrics port counts requests, moves by door, finished games, refused boards and limited calls', async t => {
  const metricsPort = await freePort()
  const app = await buildApp(t, { METRICS_PORT: String(metricsPort), RATE_LIMIT_MAX: '7' })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })

  // Over HTTP: two moves at hard, one at easy, a finished game the AI wins, a refused board.
  await fetch(`${address}/human_move?human_position=5`)
  await fetch(`${address}/human_move?position_1=X&position_2=X&position_4=O&position_5=O&position_9=X`)
  await fetch(`${address}/human_move?human_position=1&difficulty=easy`)
  await fetch(`${address}/human_move?position_1=X&position_2=X`)
  // Over MCP: one move; from the view (the host forwards the view's _meta): one move.
  const client = new Client({ name: 'metrics-test', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL(`${address}/mcp`)))
  t.teardown(() => client.close())
  await client.callTool({ name: 'play_move', arguments: { ai_player: 'X' } })
  await client.callTool({ name: 'play_move', arguments: { ai_player: 'X', difficulty: 'medium' }, _meta: { 'tictactoe/door': 'view' } })
  // A forged door header is an ordinary HTTP call.
  await fetch(`${address}/human_move?ai_player=X`, { headers: { 'x-tictactoe-door': 'view guess' } })
  // An eighth action call from this address spends the player's allowance of 7.
  const limited = await fetch(`${address}/human_move?ai_player=X`)
  t.equal(limited.status, 429)

  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
  t.equal(res.status, 200)
  t.match(res.headers.get('content-type'), /^text\/plain/)
  const text = await res.text()
  t.equal(sample(text, 'tictactoe_moves_total', 'door="http",difficulty="hard"'), 3)
  t.equal(sample(text, 'tictactoe_moves_total', 'door="http",difficulty="easy"'), 1)
  t.equal(sample(text, 'tictactoe_moves_total', 'door="mcp",difficulty="hard"'), 1)
  t.equal(sample(text, 'tictactoe_moves_total', 'door="view",difficulty="medium"'), 1)
  t.equal(sample(text, 'tictactoe_games_finished_total', 'outcome="ai"'), 1)
  t.equal(sample(text, 'tictactoe_rejected_boards_total', 'code="too_many_x"'), 1)
  t.equal(sample(text, 'tictactoe_rate_limited_total', 'limit="player"'), 1)
  t.match(text, /http_request_duration_seconds_count\{method="GET",route="\/human_move",status_code="200"\} 6/, 'per-route durations by status')
  t.match(text, /http_request_duration_seconds_count\{method="GET",route="\/human_move",status_code="429"\} 1/)
  t.match(text, /^process_cpu_user_seconds_total /m, 'Node\'s process metrics')
  t.match(text, /^nodejs_eventloop_lag_seconds /m)

  t.equal((await fetch(`${address}/metrics`)).status, 404, 'never on the public port')
  t.equal((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status, 404)
})

t.test('a failure to collect is a 500 and a log line, never a crash', async t => {
  const metricsPort = await freePort()
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, { METRICS_PORT: String(metricsPort) }, { logs })
  await app.listen({ host: '127.0.0.1', port: 0 })
  app.metrics.client.register.metrics = async () => { throw new Error('collector broke') }
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
  t.equal(res.status, 500)
  t.equal(await res.text(), 'The metrics could not be collected; see the log.\n')
  t.ok(logs.some(line => line.msg === 'metrics failed'))
})

t.test('METRICS_PORT must not be the public port', async t => {
  const { loadConfig } = await import('../../../plugins/config.js')
  t.throws(() => loadConfig({ PORT: '8080', METRICS_PORT: '8080' }), {
    message: 'METRICS_PORT must be an integer from 1 to 65535, other than PORT (got 8080): the metrics never share the public port.'
  })
})

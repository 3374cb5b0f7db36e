import autocannon from 'autocannon'
import t from 'tap'
import { reachablePositions } from '../../engine/index.js'
import { positionsOf } from '../../routes/human-move/answer.js'
import { buildApp } from '../helper.js'

// Real positions where it is O's turn: each is a valid call of the original GPT.
const paths = reachablePositions()
  .filter(p => p.turn === 'O')
  .map(p => `/human_move?${new URLSearchParams(Object.entries(positionsOf(p.board)).filter(([, cell]) => cell !== ''))}`)

t.test('a short load run: zero errors, zero non-2xx on valid calls', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '1000000' })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const result = await autocannon({
    url: address,
    connections: 10,
    duration: 3,
    requests: paths.map(path => ({ method: 'GET' as const, path }))
  })
  t.ok(result.requests.total > 1000, `${result.requests.total} requests in 3 s`)
  t.equal(result.errors, 0)
  t.equal(result.timeouts, 0)
  t.equal(result.non2xx, 0)
})

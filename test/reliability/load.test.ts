import autocannon from 'autocannon'
import t from 'tap'
import { reachablePositions } from '../../engine/index.js'
import { positionsOf } from '../../routes/human-move/answer.js'
import { buildApp } from '../helper.js'

// Real positions where it is O's turn: each is a valid call of the original GPT.
const paths = reachablePositions()
  .filter(p => p.turn === 'O')
  .map(p => `/human_move?${new URLSearchParams(Object.entries(positionsOf(p.board)).filter(([, cell]) => cell !== ''))}`)

// A fixed number of calls, not a duration: what is checked is that every one is answered, and
// right, however fast the machine is (the speed itself is the bench's to measure).
const CALLS = 5000

t.test('a burst of concurrent valid calls: every one answered 2xx, no error, no timeout', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '1000000' })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const result = await autocannon({
    url: address,
    connections: 10,
    amount: CALLS,
    requests: paths.map(path => ({ method: 'GET' as const, path }))
  })
  t.equal(result.requests.total, CALLS, 'every call answered')
  t.equal(result['2xx'], CALLS)
  t.equal(result.errors, 0)
  t.equal(result.timeouts, 0)
  t.equal(result.non2xx, 0)
})

/** The Redis connection in process: connected, lost and back, each told once in the log; calls never wait. */
import { once } from 'node:events'
import t from 'tap'
import { REDIS_NAMESPACE } from '../../../plugins/app/rate-limit.js'
import { buildApp, until } from '../../helper.js'
import { freePort, startRedis } from '../../process-helper.js'

t.test('REDIS_URL: counted in Redis; down, calls go through uncounted; back, counted again', async t => {
  const port = await freePort()
  let redis = await startRedis(t, port)
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, { REDIS_URL: `redis://127.0.0.1:${port}`, RATE_LIMIT_MAX: '2' }, { logs })
  await app.ready()
  const said = (text: string): number => logs.filter(line => String(line.msg).startsWith(text)).length
  await until(() => said('Redis connected') === 1)
  t.equal(said('Redis connected'), 1)
  const play = async (): Promise<number> => (await app.inject('/human_move?ai_player=X')).statusCode
  t.same([await play(), await play(), await play()], [200, 200, 429])
  t.ok(await app.redis?.keys(`${REDIS_NAMESPACE}*`).then(keys => keys.length > 0), 'the count lives in Redis')

  redis.kill('SIGKILL')
  await once(redis, 'exit')
  await until(() => said('Redis is unreachable') === 1)
  t.same([await play(), await play(), await play()], [200, 200, 200], 'uncounted while Redis is away')
  t.equal(said('Redis is unreachable'), 1, 'one line for the outage, however many retries')

  redis = await startRedis(t, port)
  await until(() => said('Redis is back') === 1)
  t.equal(said('Redis is back'), 1)
  await app.redis?.flushall()
  t.same([await play(), await play(), await play()], [200, 200, 429], 'counted again')
})

t.test('Redis unreachable from the start: one line, and calls are answered', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, { REDIS_URL: `redis://127.0.0.1:${await freePort()}` }, { logs })
  await app.ready()
  await until(() => logs.some(line => String(line.msg).startsWith('Redis is unreachable')))
  t.equal((await app.inject('/human_move?ai_player=X')).statusCode, 200)
  // Long enough for several reconnect attempts, each of them an error.
  await new Promise(resolve => setTimeout(resolve, 1500))
  t.equal(logs.filter(line => String(line.msg).startsWith('Redis is unreachable')).length, 1)
})

t.test('a flood of new ids from one address makes no counters past its ceiling', async t => {
  const port = await freePort()
  await startRedis(t, port)
  const app = await buildApp(t, { REDIS_URL: `redis://127.0.0.1:${port}`, RATE_LIMIT_MAX: '2' })
  await app.ready()
  await until(() => app.redis?.status === 'ready')
  let answered = 0
  for (let i = 0; i < 300; i++) {
    if ((await app.inject({ url: '/human_move?ai_player=X', headers: { 'openai-ephemeral-user-id': `flood-${i}` } })).statusCode === 200) answered++
  }
  t.equal(answered, 20, 'the ceiling: ten players\' allowances')
  const counters = await app.redis?.keys(`${REDIS_NAMESPACE}{ip:127.0.0.1}id:*`) ?? []
  // Exactly 20 unless a read of the ceiling timed out on a starved machine: Redis trouble lets a
  // call through uncounted (fail-open), and its id then has a counter (seen once in CI: 21).
  t.ok(counters.length >= 20 && counters.length <= 22, `${counters.length} counters for 300 ids: the ceiling's 20`)
})

/**
 * A Redis that hangs (stopped with SIGSTOP: the connection stays open, nothing is answered): the
 * first few counted calls wait the command timeout, then calls are answered at once, uncounted,
 * with one warning; once Redis answers again, one line says so and the count is shared again.
 */
import t from 'tap'
import { REDIS_COMMAND_TIMEOUT_MS, REDIS_RETRY_AFTER_MS, REDIS_TIMEOUTS_TO_BREAK } from '../../plugins/external/redis.js'
import { REDIS_NAMESPACE } from '../../plugins/app/rate-limit.js'
import { buildApp, until } from '../helper.js'
import { freePort, startRedis } from '../process-helper.js'

t.test('Redis stopped with SIGSTOP: prompt answers after the first few, one line each way', async t => {
  const port = await freePort()
  const redis = await startRedis(t, port)
  t.teardown(() => { redis.kill('SIGCONT') })
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, { REDIS_URL: `redis://127.0.0.1:${port}`, RATE_LIMIT_MAX: '1000' }, { logs })
  await app.ready()
  const said = (text: string): number => logs.filter(line => String(line.msg).startsWith(text)).length
  await until(() => said('Redis connected') === 1)
  const play = async (): Promise<{ status: number, ms: number }> => {
    const started = performance.now()
    const { statusCode } = await app.inject('/human_move?ai_player=X')
    return { status: statusCode, ms: performance.now() - started }
  }
  await play()
  // The address's count of GET /human_move.
  const key = `${REDIS_NAMESPACE}{ip:127.0.0.1}GET/human_move`
  t.equal(await app.redis?.get(key), '1', 'counted in Redis')

  redis.kill('SIGSTOP')
  const during: Array<{ status: number, ms: number }> = []
  for (let i = 0; i < 12; i++) during.push(await play())
  t.ok(during.every(call => call.status === 200), 'every call answered')
  const waited = during.slice(0, REDIS_TIMEOUTS_TO_BREAK)
  t.ok(waited.every(call => call.ms >= REDIS_COMMAND_TIMEOUT_MS * 0.9), `the first ${REDIS_TIMEOUTS_TO_BREAK} wait the timeout ` +
    `(${waited.map(call => Math.round(call.ms)).join(', ')} ms)`)
  // Answered at once: without waiting the timeout (how much sooner depends on how busy the machine is).
  const prompt = (call: { ms: number }): boolean => call.ms < REDIS_COMMAND_TIMEOUT_MS * 0.9
  const after = during.slice(REDIS_TIMEOUTS_TO_BREAK)
  t.ok(after.every(prompt), `then each is answered at once (slowest ${Math.round(Math.max(...after.map(call => call.ms)))} ms)`)
  t.equal(said('Redis is not answering'), 1, 'one line when the hang is noticed')
  // Still hanging when a command tries again: that one waits, and nothing more is said.
  await new Promise(resolve => setTimeout(resolve, REDIS_RETRY_AFTER_MS))
  const retry = await play()
  t.ok(retry.status === 200 && retry.ms >= REDIS_COMMAND_TIMEOUT_MS * 0.9, `the retry waits the timeout (${Math.round(retry.ms)} ms)`)
  t.ok(prompt(await play()), 'the next is answered at once again')
  t.equal(said('Redis is not answering'), 1, 'still one line')

  redis.kill('SIGCONT')
  await new Promise(resolve => setTimeout(resolve, REDIS_RETRY_AFTER_MS))
  for (let i = 0; i < 20 && said('Redis answers again') === 0; i++) await play()
  t.equal(said('Redis answers again'), 1, 'one line when Redis answers again')
  t.equal(said('Redis is not answering'), 1, 'and still one line for the hang')
  const counted = Number(await app.redis?.get(key))
  await play()
  t.equal(Number(await app.redis?.get(key)), counted + 1, 'counted in Redis again')
  t.notOk(logs.some(line => (line.level as number) >= 50), 'nothing logged as an error')
})

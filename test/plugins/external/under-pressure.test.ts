/** Load shedding (under-pressure): a saturated event loop answers 503 with Retry-After instead of queueing. */
import { performance } from 'node:perf_hooks'
import type { FastifyReply, FastifyRequest } from 'fastify'
import t from 'tap'
import { shedding } from '../../../plugins/external/under-pressure.js'
import { buildApp } from '../../helper.js'

t.test('a saturated event loop gets 503 with Retry-After instead of a queue, logged as one warning line', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, { MAX_EVENT_LOOP_DELAY_MS: '1000' }, { logs })
  await app.ready()
  // under-pressure reads the mean event-loop delay once a second, in a timer. Keep the loop busy
  // for 3.5 s at a time, letting it turn once between: the overdue timer reads the delays of a
  // window made of one long one and a few short ones (mean over a second; the first window may
  // still hold the idle time before), and the next request is shed. Turns of the loop come only
  // between the stretches, however slow the machine, so no window is diluted by waiting.
  const answers: Array<Awaited<ReturnType<typeof app.inject>>> = []
  for (let stretch = 0; stretch < 4 && !answers.some(answer => answer.statusCode === 503); stretch++) {
    const until = Date.now() + 3500
    while (Date.now() < until) { /* busy on purpose */ }
    await new Promise(resolve => setImmediate(resolve))
    answers.push(await app.inject('/health'))
  }
  const res = answers.find(answer => answer.statusCode === 503)
  if (res === undefined) return t.fail(`no 503 among ${answers.map(a => a.statusCode).join(', ')}`)
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '5')
  t.same(res.json(), { statusCode: 503, error: 'Service Unavailable', message: 'The server is busy or restarting; retry in a few seconds.' })
  const shed = logs.filter(line => line.statusCode === 503 || line.err !== undefined || line.level === 50)
  t.same(shed.map(line => [line.level, line.msg]), answers.filter(answer => answer.statusCode === 503).map(() => [40, 'request']), 'one line per shed ' +
    'request, at warn')
  t.notOk(JSON.stringify(logs).includes('stack'), 'no stack')
})

t.test('the start sheds nothing, however long it blocks: the first move after a cold start is answered', async t => {
  const app = await buildApp(t, { MAX_EVENT_LOOP_DELAY_MS: '1000' })
  // A start that keeps the loop busy 3 s in one go (a slow or crowded machine): the sample taken
  // just after covers it (with at most a second of short delays before it), and alone would shed
  // the next call.
  await app.register(async () => {
    const until = Date.now() + 3000
    while (Date.now() < until) { /* busy on purpose */ }
  })
  await app.ready()
  await new Promise(resolve => setTimeout(resolve, 50))
  // (Where the rest of the start took over a second more, as compiling as it loads can on a crowded
  // machine, a later sample has replaced it already: the call is answered either way.)
  const { eventLoopDelay } = app.memoryUsage()
  t.comment(`the last sample's mean delay: ${Math.round(eventLoopDelay)} ms${eventLoopDelay > 1000 ? ', over the limit' : ''}`)
  t.equal((await app.inject('/human_move?ai_player=X')).statusCode, 200, 'the call is answered')
})

t.test('before its time a saturated loop lets the call through; after, 503 with Retry-After', async t => {
  const headers: Record<string, unknown> = {}
  const reply = { header: (name: string, value: unknown) => { headers[name] = value; return reply } } as unknown as FastifyReply
  const request = {} as FastifyRequest
  t.equal(await shedding(() => performance.now() + 60_000)(request, reply), undefined, 'through')
  t.same(headers, {})
  await t.rejects(shedding(() => 0)(request, reply), { statusCode: 503, message: 'Service Unavailable' } as unknown as Error, 'shed')
  t.same(headers, { 'retry-after': 5 })
})

t.test('MAX_EVENT_LOOP_DELAY_MS=0 never sheds', async t => {
  const app = await buildApp(t, { MAX_EVENT_LOOP_DELAY_MS: '0' })
  await app.ready()
  // Busy as in the first test, until a sample says the loop is saturated.
  for (let stretch = 0; stretch < 4 && app.memoryUsage().eventLoopDelay <= 1000; stretch++) {
    const until = Date.now() + 3500
    while (Date.now() < until) { /* busy on purpose */ }
    await new Promise(resolve => setImmediate(resolve))
  }
  t.ok(app.memoryUsage().eventLoopDelay > 1000, 'the loop was saturated')
  t.equal((await app.inject('/health')).statusCode, 200, 'yet answered')
})

/** Load shedding (under-pressure): a saturated event loop answers 503 with Retry-After instead of queueing. */
import { performance } from 'node:perf_hooks'
import type { FastifyReply, FastifyRequest } from 'fastify'
import t from 'tap'
import { SAMPLE_INTERVAL_MS, START_GRACE_MS, shedding } from '../../../plugins/external/under-pressure.js'
import { buildApp } from '../../helper.js'

// A limit a tenth of the default, so that saturating the loop costs a test a tenth of the CPU:
// the loop is kept busy LIMIT_MS * 3.5 at a time, not 3.5 s.
const LIMIT_MS = 100
const STRETCH_MS = LIMIT_MS * 3.5

/** Keeps the loop busy for a stretch, then lets it turn once (the overdue sampling timer runs). */
async function busyStretch (): Promise<void> {
  const until = Date.now() + STRETCH_MS
  while (Date.now() < until) { /* busy on purpose */ }
  await new Promise(resolve => setImmediate(resolve))
}

t.test('a saturated event loop gets 503 with Retry-After instead of a queue, logged as one warning line', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, { MAX_EVENT_LOOP_DELAY_MS: String(LIMIT_MS) }, { logs })
  await app.ready()
  // Past the start's grace, idle: the start's own samples shed nothing (the next test).
  await new Promise(resolve => setTimeout(resolve, START_GRACE_MS))
  // under-pressure reads the mean event-loop delay once a second, in a timer. Keep the loop busy
  // for a stretch at a time, letting it turn once between: the overdue timer reads the delays of a
  // window made of one long one and a few short ones (the first window may still hold the idle
  // time before), and the next request is shed. Turns of the loop come only between the
  // stretches, however slow the machine, so no window is diluted by waiting.
  const answers: Array<Awaited<ReturnType<typeof app.inject>>> = []
  for (let stretch = 0; stretch < 8 && !answers.some(answer => answer.statusCode === 503); stretch++) {
    await busyStretch()
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
  const app = await buildApp(t, { MAX_EVENT_LOOP_DELAY_MS: String(LIMIT_MS) })
  // A start that keeps the loop busy longer than a sampling interval in one go (a slow or crowded
  // machine): the sample taken just after covers it (with at most a second of short delays before
  // it), and alone would shed the next call.
  await app.register(async () => {
    const until = Date.now() + SAMPLE_INTERVAL_MS + 2 * LIMIT_MS
    while (Date.now() < until) { /* busy on purpose */ }
  })
  await app.ready()
  await new Promise(resolve => setTimeout(resolve, 50))
  // (Where the rest of the start took over a second more, as compiling as it loads can on a crowded
  // machine, a later sample has replaced it already: the call is answered either way.)
  const { eventLoopDelay } = app.memoryUsage()
  t.comment(`the last sample's mean delay: ${Math.round(eventLoopDelay)} ms${eventLoopDelay > LIMIT_MS ? ', over the limit' : ''}`)
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
  // Busy as in the first test, until a sample says the loop is saturated (past LIMIT_MS).
  await new Promise(resolve => setTimeout(resolve, START_GRACE_MS))
  for (let stretch = 0; stretch < 8 && app.memoryUsage().eventLoopDelay <= LIMIT_MS; stretch++) await busyStretch()
  t.ok(app.memoryUsage().eventLoopDelay > LIMIT_MS, 'the loop was saturated')
  t.equal((await app.inject('/health')).statusCode, 200, 'yet answered')
})

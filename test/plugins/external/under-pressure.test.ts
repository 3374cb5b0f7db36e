/** Load shedding (under-pressure): a saturated event loop answers 503 with Retry-After instead of queueing. */
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { buildApp } from '../../helper.js'

t.test('a saturated event loop gets 503 with Retry-After instead of a queue, logged as one warning line', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, {}, { logs })
  await app.ready()
  // under-pressure samples the mean event-loop delay once a second: block long enough that a
  // sample is over the limit, then ask for a second, until that sample is read. On a busy machine
  // (other test files on both cores) a sample can fall so that the block is diluted below the
  // limit: then block again, up to three times.
  const answers: Array<Awaited<ReturnType<typeof app.inject>>> = []
  for (let round = 0; round < 3 && !answers.some(answer => answer.statusCode === 503); round++) {
    const until = Date.now() + 3000
    while (Date.now() < until) { /* block the event loop on purpose */ }
    for (let i = 0; i < 20; i++) {
      answers.push(await app.inject('/health'))
      await sleep(50)
    }
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

/** Tracing off: a span is its work alone, with nothing recorded and no trace id to log. */
import t from 'tap'
import { NO_TRACING } from '../../lib/traces.js'
import { buildApp } from '../helper.js'

t.test('the work\'s own result, sync or async, and a span that takes what it is told and keeps nothing', async t => {
  t.equal(NO_TRACING.enabled, false)
  t.equal(NO_TRACING.span('sync', {}, span => {
    span.set({ attribute: 1 })
    span.fail('Error')
    return 42
  }), 42)
  t.equal(await NO_TRACING.span('async', { attributes: { a: 'b' }, server: true }, async () => 'done'), 'done')
  t.equal(NO_TRACING.traceId(), undefined)
})

t.test('with no OTLP endpoint, the app traces nothing and its log lines carry no trace id', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, {}, { logs })
  await app.ready()
  t.equal(app.tracing, NO_TRACING)
  await app.inject('/human_move?ai_player=X')
  const line = logs.find(entry => entry.msg === 'request')
  t.ok(line !== undefined, 'the request was logged')
  t.notOk(line !== undefined && 'traceId' in line)
})

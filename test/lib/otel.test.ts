/**
 * lib/otel.ts on its own: spans around work that returns, throws or rejects; a caller's trace
 * context from a carrier, or none; and an endpoint that refuses, told in the log at most once a
 * minute, a stop that still ends.
 */
import type { FastifyBaseLogger } from 'fastify'
import t from 'tap'
import { startTracing } from '../../lib/otel.js'
import { until } from '../helper.js'
import { otlpReceiver } from '../otlp-receiver.js'

// Batches go out every 50 ms instead of every 5 s (the SDK's own variable).
process.env.OTEL_BSP_SCHEDULE_DELAY = '50'

function logger (): { log: FastifyBaseLogger, warnings: Array<[Record<string, unknown>, string]> } {
  const warnings: Array<[Record<string, unknown>, string]> = []
  return { log: { warn: (object: Record<string, unknown>, message: string) => warnings.push([object, message]) } as unknown as FastifyBaseLogger, warnings }
}

t.test('spans around work that returns, throws or rejects; a caller\'s context from a carrier', async t => {
  const receiver = await otlpReceiver()
  t.teardown(receiver.close)
  const { log, warnings } = logger()
  const { tracing, shutdown } = await startTracing({ url: `${receiver.url}/v1/traces`, protocol: 'http/json', serviceName: 's', serviceVersion: '1' }, log)

  t.equal(tracing.traceId(), undefined, 'no active span')
  t.equal(tracing.span('sync', { attributes: { a: 1 } }, span => { span.set({ b: true }); return 42 }), 42)
  t.throws(() => tracing.span('sync throws', {}, () => { throw new RangeError('secret text') }), RangeError)
  await t.rejects(tracing.span('async rejects', {}, async () => { throw new TypeError('secret text') }), TypeError)
  const caller = { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16) }
  let inner: string | undefined
  await tracing.span('from a carrier', { carrier: { traceparent: `00-${caller.traceId}-${caller.spanId}-01` }, server: true }, async () => {
    inner = tracing.traceId()
    await tracing.span('nested', {}, span => span.fail('a_kind'))
  })
  t.equal(inner, caller.traceId, 'the caller\'s trace is active within')
  tracing.span('bad carrier', { carrier: { traceparent: 'not a traceparent' } }, () => {})
  tracing.span('no carrier', { carrier: 'text' }, () => {})
  tracing.span('not a string', { carrier: { traceparent: { traceId: caller.traceId } } }, () => {})
  await shutdown()

  const byName = new Map(receiver.spans.map(span => [span.name, span]))
  t.match(byName.get('sync'), { attributes: { a: 1, b: true }, status: 0, kind: 1 })
  t.match(byName.get('sync throws'), { attributes: { 'error.type': 'RangeError' }, status: 2 })
  t.match(byName.get('async rejects'), { attributes: { 'error.type': 'TypeError' }, status: 2 })
  t.notMatch(JSON.stringify(receiver.spans), /secret text/, 'no error\'s message on a span')
  const fromCarrier = byName.get('from a carrier')
  t.match(fromCarrier, { traceId: caller.traceId, parentSpanId: caller.spanId, kind: 2, links: [] }, 'no active span to link to')
  t.match(byName.get('nested'), { traceId: caller.traceId, parentSpanId: fromCarrier?.spanId, status: 2, attributes: { 'error.type': 'a_kind' } })
  for (const name of ['bad carrier', 'no carrier', 'not a string']) {
    t.not(byName.get(name)?.traceId, caller.traceId, `${name}: a trace of its own`)
    t.equal(byName.get(name)?.parentSpanId, '', `${name}: a root`)
  }
  t.same(warnings, [])
})

t.test('an endpoint that refuses is told in the log at most once a minute; a stop still ends', async t => {
  const receiver = await otlpReceiver()
  t.teardown(receiver.close)
  receiver.status = 400
  const { log, warnings } = logger()
  const { tracing, shutdown } = await startTracing({ url: `${receiver.url}/v1/traces`, protocol: 'http/protobuf', serviceName: 's', serviceVersion: '1' }, log)
  tracing.span('one', {}, () => {})
  await until(() => warnings.length > 0)
  tracing.span('two', {}, () => {})
  await until(() => receiver.contentTypes.length >= 2)
  // The last batch, refused at the stop, makes no second warning within the minute.
  tracing.span('three', {}, () => {})
  await shutdown()
  t.equal(receiver.contentTypes.length, 3, 'three batches tried')
  t.equal(warnings.length, 1, 'one warning')
  t.equal(warnings[0][1], 'traces could not be sent (told at most once a minute)')
  t.equal(warnings[0][0].otlp, new URL(receiver.url).host)
  t.type(warnings[0][0].error, 'string')
})

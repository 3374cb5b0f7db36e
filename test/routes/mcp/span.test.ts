/**
 * An MCP method as a span: named and described as OpenTelemetry's MCP conventions say, failed by
 * kind, with what the caller named clipped. The spans reach a collector in
 * test/plugins/external/otel.test.ts; here a recorder stands in for the tracer.
 */
import type { FastifyRequest } from 'fastify'
import t from 'tap'
import { NO_TRACING, type SpanAttributes, type SpanOptions, type Tracing } from '../../../lib/traces.js'
import type { Message } from '../../../routes/mcp/json-rpc.js'
import type { Answer, MethodCall } from '../../../routes/mcp/methods.js'
import { traced } from '../../../routes/mcp/span.js'

interface Recorded { name: string, options: SpanOptions, set: SpanAttributes, failed?: string }

function recorder (): { tracing: Tracing, spans: Recorded[] } {
  const spans: Recorded[] = []
  const tracing: Tracing = {
    enabled: true,
    traceId: () => undefined,
    span: (name, options, work) => {
      const span: Recorded = { name, options, set: {} }
      spans.push(span)
      return work({ set: attributes => Object.assign(span.set, attributes), fail: type => { span.failed = type } })
    }
  }
  return { tracing, spans }
}

const callOf = (params: Record<string, unknown>, version?: string): MethodCall => ({
  request: { headers: version === undefined ? {} : { 'mcp-protocol-version': version } } as unknown as FastifyRequest,
  id: 9,
  params,
  revision: version === undefined ? 'legacy' : 'modern'
})
const answering = (answer: Answer) => async (_message: Message, _call: MethodCall): Promise<Answer> => answer

t.test('tracing off: the method is answered as it is, with no span', async t => {
  const answer = answering({ status: 200, json: '{}' })
  t.equal(traced(NO_TRACING, answer), answer)
})

t.test('a tool call: named after its tool, with the conventions\' attributes and the caller\'s context', async t => {
  const { tracing, spans } = recorder()
  const meta = { traceparent: '00-11111111111111111111111111111111-2222222222222222-01' }
  const call = callOf({ name: 'play_move', _meta: meta }, '2026-07-28')
  await traced(tracing, answering({ status: 200, json: '{}' }))({ jsonrpc: '2.0', id: 9, method: 'tools/call' }, call)
  t.equal(spans.length, 1)
  t.equal(spans[0].name, 'tools/call play_move')
  t.same(spans[0].options, {
    attributes: {
      'mcp.method.name': 'tools/call',
      'jsonrpc.request.id': '9',
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
      'mcp.protocol.version': '2026-07-28',
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'play_move'
    },
    carrier: meta,
    server: true
  })
  t.equal(spans[0].failed, undefined)
})

t.test('a method with no target is named alone; what a caller names is clipped to 100 characters', async t => {
  const { tracing, spans } = recorder()
  const answer = answering({ status: 200, json: '{}' })
  await traced(tracing, answer)({ jsonrpc: '2.0', id: 9, method: 'tools/list' }, callOf({}))
  await traced(tracing, answer)({ jsonrpc: '2.0', id: 9, method: 'resources/read' }, callOf({ uri: `ui://${'x'.repeat(200)}` }))
  t.equal(spans[0].name, 'tools/list')
  t.notOk('mcp.protocol.version' in (spans[0].options.attributes ?? {}), 'no version header, no version')
  t.equal(spans[1].options.attributes?.['mcp.resource.uri'], `ui://${'x'.repeat(95)}`)
})

t.test('failures by kind: a JSON-RPC error\'s code, a tool error as such', async t => {
  const { tracing, spans } = recorder()
  await traced(tracing, answering({ status: 200, json: '{}', errorType: '-32602' }))({ jsonrpc: '2.0', id: 9, method: 'tools/call' }, callOf({ name: 'x' }))
  await traced(tracing, answering({ status: 200, json: '{}', errorType: 'tool_error' }))({ jsonrpc: '2.0', id: 9, method: 'tools/call' }, callOf({ name: 'x' }))
  t.same([spans[0].failed, spans[0].set], ['-32602', { 'rpc.response.status_code': '-32602' }])
  t.same([spans[1].failed, spans[1].set], ['tool_error', {}])
})

/**
 * Traces: with an OTLP endpoint, a GPT's call and a tool call in each MCP revision reach a receiver
 * on loopback, continuing the caller's trace (the `traceparent` header; a 2026-07-28 request's
 * `_meta`), with the request's span, the MCP method's, the action's and its steps', the service's
 * name, and the trace id in the log. Without one, tracing is off.
 */
import t, { type Test } from 'tap'
import { loadConfig } from '../../../plugins/config.js'
import { traceExportOf } from '../../../plugins/external/otel.js'
import { NO_TRACING } from '../../../lib/traces.js'
import { buildApp } from '../../helper.js'
import { type ReceivedSpan, otlpReceiver } from '../../otlp-receiver.js'

/** A caller's trace context: its trace id, its span's id, and the header that carries both. */
function callerTrace (n: number): { traceId: string, spanId: string, traceparent: string } {
  const traceId = n.toString(16).padStart(32, 'a')
  const spanId = n.toString(16).padStart(16, 'b')
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` }
}

const MCP_2025 = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' }
const MCP_2026 = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28' }
const ENVELOPE_2026 = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} }

const callTool = (params: Record<string, unknown>, modern: boolean, headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url: '/mcp',
  headers: { ...(modern ? { ...MCP_2026, 'mcp-method': 'tools/call', 'mcp-name': String(params.name) } : MCP_2025), ...headers },
  payload: { jsonrpc: '2.0', id: 7, method: 'tools/call', params: modern ? { ...params, _meta: { ...ENVELOPE_2026, ...params._meta as object } } : params }
})

const named = (spans: ReceivedSpan[], name: string): ReceivedSpan[] => spans.filter(span => span.name === name)
const only = (t: Test, spans: ReceivedSpan[], name: string): ReceivedSpan => {
  const found = named(spans, name)
  t.equal(found.length, 1, `one span named ${name}`)
  return found[0]
}

t.test('where traces go, from OpenTelemetry\'s variables', async t => {
  const exportOf = (env: Record<string, string>) => traceExportOf(loadConfig(env), '9.9.9')
  t.equal(exportOf({}), undefined, 'no endpoint, no traces')
  t.same(exportOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }), {
    url: 'http://collector:4318/v1/traces',
    protocol: 'http/protobuf',
    serviceName: 'tictactoe',
    serviceVersion: '9.9.9'
  }, 'the general endpoint with the traces path; protobuf by default')
  t.same(exportOf({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/ingest',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
    OTEL_SERVICE_NAME: 'games'
  }), { url: 'https://traces.example.com/ingest', protocol: 'http/json', serviceName: 'games', serviceVersion: '9.9.9' }, 'the traces\' own settings first')
  t.same(exportOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })?.protocol, 'http/json')
  t.equal(exportOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }), undefined, 'OTEL_SDK_DISABLED turns it off')

  t.throws(() => loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }), /OTEL_EXPORTER_OTLP_PROTOCOL must be http\/protobuf or http\/json \(gRPC is not built in/)
  t.throws(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }), /OTEL_EXPORTER_OTLP_ENDPOINT must be an http:\/\/ or https:\/\/ URL/)
  t.throws(() => loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'user:token@collector:4318/v1/traces' }),
    { message: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be the http:// or https:// URL traces are posted to, such as http://otel-collector:4318/v1/traces.' },
    'a URL with credentials is not shown')
  t.throws(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector 4318' }),
    { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL of an OTLP/HTTP receiver, such as http://otel-collector:4318 (got "http://collector 4318").' },
    'the scheme is not enough: a URL')
  t.throws(() => loadConfig({ OTEL_SDK_DISABLED: 'yes' }), /OTEL_SDK_DISABLED must be true or false/)

  const app = await buildApp(t, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_SDK_DISABLED: 'true' })
  await app.ready()
  t.equal(app.tracing, NO_TRACING, 'disabled: no tracing')
})

t.test('a GPT\'s call: the request\'s span continues the caller\'s trace, with the action and its steps within; the log joins', async t => {
  const receiver = await otlpReceiver()
  t.teardown(receiver.close)
  const logs: Array<Record<string, unknown>> = []
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'tictactoe-test' }
  const app = await buildApp(t, env, { logs })
  t.equal(app.tracing.enabled, true)
  const caller = callerTrace(1)
  const res = await app.inject({ url: '/human_move?human_position=5', headers: { traceparent: caller.traceparent } })
  t.equal(res.statusCode, 200)
  await app.inject('/health')
  await app.inject('/nowhere')
  await app.close()

  const { spans } = receiver
  t.ok(receiver.contentTypes.every(type => type.startsWith('application/json')), 'sent as JSON, as asked')
  const request = only(t, spans, 'GET /human_move')
  t.equal(request.traceId, caller.traceId, 'the caller\'s trace')
  t.equal(request.parentSpanId, caller.spanId, 'a child of the caller\'s span')
  t.equal(request.kind, 2, 'a server span')
  t.equal(request.attributes['http.response.status_code'], 200)
  t.equal(request.service, 'tictactoe-test', 'the service\'s name')
  const action = only(t, spans, 'action humanMove')
  t.equal(action.parentSpanId, request.spanId, 'the action within the request')
  t.equal(action.attributes['tictactoe.door'], 'http')
  t.equal(action.attributes['http.response.status_code'], 200)
  for (const step of ['rate limit', 'engine playTurn']) {
    t.equal(only(t, spans, step).parentSpanId, action.spanId, `${step} within the action`)
  }
  t.equal(only(t, spans, 'rate limit').attributes['tictactoe.limited'], false)
  t.equal(named(spans, 'GET /health').length, 0, 'no span for health checks')
  t.equal(only(t, spans, 'GET not found').attributes['http.response.status_code'], 404)

  const line = logs.find(entry => entry.msg === 'request' && entry.route === '/human_move')
  t.equal(line?.traceId, caller.traceId, 'the request\'s log line names its trace')
  t.equal(logs.find(entry => entry.msg === 'request' && entry.route === '/health')?.traceId, undefined, 'a request with no span, no trace id')
})

t.test('a tool call (2025): the /mcp request, the tool and the action, in the caller\'s trace; sent as protobuf', async t => {
  const receiver = await otlpReceiver()
  t.teardown(receiver.close)
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, { logs })
  const caller = callerTrace(2)
  const res = await app.inject(callTool({ name: 'play_move', arguments: { ai_player: 'X' } }, false, { traceparent: caller.traceparent }))
  t.equal(res.json().result.isError, undefined)
  await app.close()

  const { spans } = receiver
  t.ok(receiver.contentTypes.every(type => type === 'application/x-protobuf'), 'sent as protobuf, the default')
  const request = only(t, spans, 'POST /mcp')
  t.equal(request.traceId, caller.traceId)
  t.equal(request.service, 'tictactoe')
  const tool = only(t, spans, 'tools/call play_move')
  t.equal(tool.parentSpanId, request.spanId)
  t.equal(tool.kind, 2)
  t.match(tool.attributes, {
    'mcp.method.name': 'tools/call',
    'gen_ai.tool.name': 'play_move',
    'gen_ai.operation.name': 'execute_tool',
    'jsonrpc.request.id': '7',
    'mcp.protocol.version': '2025-11-25',
    'network.transport': 'tcp'
  })
  t.equal(tool.status, 0, 'not an error')
  const action = only(t, spans, 'action humanMove')
  t.equal(action.parentSpanId, tool.spanId, 'the action within the tool call')
  t.equal(action.traceId, caller.traceId)
  t.equal(action.attributes['tictactoe.door'], 'mcp')
  t.equal(only(t, spans, 'engine playTurn').parentSpanId, action.spanId)
  const line = logs.find(entry => entry.msg === 'request' && entry.route === '/human_move')
  t.equal(line?.traceId, caller.traceId, 'the tool call\'s log line names the trace')
})

t.test('a tool call (2026-07-28): the trace context in _meta is continued, linked to the /mcp request\'s span', async t => {
  const receiver = await otlpReceiver()
  t.teardown(receiver.close)
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, { logs })
  const caller = callerTrace(3)
  const _meta = { traceparent: caller.traceparent, tracestate: 'vendor=1' }
  const res = await app.inject(callTool({ name: 'play_move', arguments: { ai_player: 'X' }, _meta }, true))
  t.equal(res.statusCode, 200)
  t.equal(res.json().result.isError, undefined)
  await app.close()

  const { spans } = receiver
  const request = only(t, spans, 'POST /mcp')
  t.not(request.traceId, caller.traceId, 'no traceparent header: the request\'s span starts a trace')
  const tool = only(t, spans, 'tools/call play_move')
  t.equal(tool.traceId, caller.traceId, 'the tool call continues the caller\'s trace')
  t.equal(tool.parentSpanId, caller.spanId)
  t.same(tool.links, [{ traceId: request.traceId, spanId: request.spanId }], 'linked to the request that carried it')
  t.equal(tool.attributes['mcp.protocol.version'], '2026-07-28')
  const action = only(t, spans, 'action humanMove')
  t.equal(action.traceId, caller.traceId)
  t.equal(action.parentSpanId, tool.spanId)
  const line = logs.find(entry => entry.msg === 'request' && entry.route === '/human_move')
  t.equal(line?.traceId, caller.traceId, 'the tool call\'s log line names the caller\'s trace')
  t.equal(logs.find(entry => entry.msg === 'request' && entry.route === '/mcp')?.traceId, request.traceId, 'the /mcp line names its own')
})

t.test('what goes wrong is on the spans: an error\'s code, a refused tool call, an unknown method', async t => {
  const receiver = await otlpReceiver()
  t.teardown(receiver.close)
  const app = await buildApp(t, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', RATE_LIMIT_MAX: '2' })
  const mcp = (method: string, params: Record<string, unknown> = {}, headers: Record<string, string> = MCP_2025) => ({
    method: 'POST' as const, url: '/mcp', headers, payload: { jsonrpc: '2.0', id: 1, method, params }
  })
  // (initialize comes before any version is agreed: with no MCP-Protocol-Version header.)
  const { 'mcp-protocol-version': _, ...unversioned } = MCP_2025
  await app.inject(mcp('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } }, unversioned))
  await app.inject(callTool({ name: 'no_such_tool', arguments: {} }, false))
  await app.inject(callTool({ name: 'play_move', arguments: { human_position: 1, position_1: 'X' } }, false))
  await app.inject(callTool({ name: 'play_move', arguments: { ai_player: 'X' } }, false))
  await app.inject(callTool({ name: 'play_move', arguments: { ai_player: 'X' } }, false))
  await app.inject(mcp('resources/read', { uri: 'ui://nowhere' }))
  await app.inject(mcp('prompts/get', { name: 'x'.repeat(500) }))
  await app.inject(mcp('tools/list'))
  await app.inject(mcp('no/such/method'))
  await app.close()

  const { spans } = receiver
  const unknown = only(t, spans, 'tools/call no_such_tool')
  t.equal(unknown.status, 2, 'an error')
  t.equal(unknown.attributes['error.type'], '-32602')
  t.equal(unknown.attributes['rpc.response.status_code'], '-32602')
  const calls = named(spans, 'tools/call play_move')
  t.equal(calls.length, 3)
  t.same(calls.map(span => span.attributes['error.type']), ['tool_error', undefined, 'tool_error'], 'a taken cell, a move, then too many calls')
  t.same(calls.map(span => span.status), [2, 0, 2])
  t.same(calls.map(span => span.attributes['rpc.response.status_code']), [undefined, undefined, undefined], 'a tool error is no JSON-RPC error')
  t.same(named(spans, 'action humanMove').map(span => span.attributes['http.response.status_code']), [400, 200, 429])
  t.equal(named(spans, 'rate limit').at(-1)?.attributes['tictactoe.limited'], true)
  t.equal(only(t, spans, 'resources/read ui://nowhere').attributes['mcp.resource.uri'], 'ui://nowhere')
  const prompt = spans.find(span => span.name.startsWith('prompts/get '))
  t.equal(prompt?.name, `prompts/get ${'x'.repeat(100)}`, 'what a caller names is clipped')
  t.equal(prompt?.attributes['gen_ai.prompt.name'], 'x'.repeat(100))
  const initialize = only(t, spans, 'initialize')
  t.equal(initialize.status, 0)
  t.equal(initialize.attributes['mcp.protocol.version'], undefined, 'no header, no version')
  t.equal(only(t, spans, 'tools/list').attributes['mcp.protocol.version'], '2025-11-25')
  t.equal(only(t, spans, 'tools/list').attributes['gen_ai.tool.name'], undefined)
  t.equal(only(t, spans, 'no/such/method').attributes['error.type'], '-32601')
})

import t from 'tap'
import { buildApp } from '../helper.js'

const KEY = 'secret-key-that-must-never-be-logged'

t.test('one line per request: method, route, status, time, request id and ChatGPT ids', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, {}, { logs })
  await app.inject({ url: '/human_move?position_1=X', headers: { 'openai-conversation-id': 'conv-1', 'openai-gpt-id': 'g-abc' } })
  const lines = logs.filter(line => line.msg === 'request')
  t.equal(lines.length, 1)
  t.match(lines[0], { level: 30, method: 'GET', route: '/human_move', statusCode: 200, ms: Number, reqId: String, conversationId: 'conv-1', gptId: 'g-abc' })
  t.equal(logs.filter(line => line.reqId !== undefined).length, 1, 'nothing else is logged for a good request')
})

t.test('without ChatGPT headers no ids are invented; unknown routes are named as such', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, {}, { logs })
  await app.inject('/nowhere')
  const line = logs.find(l => l.msg === 'request') as Record<string, unknown>
  t.equal(line.route, 'not found')
  t.equal(line.statusCode, 404)
  t.notOk('conversationId' in line)
})

t.test('the API key never reaches the log, at any level, right or wrong', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, { API_KEY: KEY, LOG_LEVEL: 'trace' }, { logs })
  await app.inject({ url: '/human_move?position_1=X', headers: { authorization: `Bearer ${KEY}` } })
  await app.inject({ url: '/human_move?position_1=X', headers: { authorization: `Bearer ${KEY}-wrong` } })
  app.log.info({ req: { headers: { authorization: `Bearer ${KEY}` } }, config: app.config }, 'a careless line')
  t.ok(logs.length >= 3)
  t.notMatch(JSON.stringify(logs), KEY)
  t.match(JSON.stringify(logs), '[redacted]', 'the redaction itself is at work')
})

t.test('the log level is the configured one', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, { LOG_LEVEL: 'warn' }, { logs })
  await app.inject('/health')
  t.same(logs, [])
})

t.test('what a caller sends is echoed cut short: a 60 KB argument is never a 60 KB line', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, {}, { logs })
  const huge = 'Z'.repeat(60_000)
  const viaMcp = await app.inject({
    method: 'POST',
    url: '/mcp',
    headers: { accept: 'application/json, text/event-stream' },
    payload: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'play_move', arguments: { position_1: huge } } }
  })
  const text = viaMcp.json().result.content[0].text as string
  t.match(text, /^position_1 must be one of "X", "O", empty \(got "Z{70,}…\)\. See the tool's input schema\.$/)
  t.ok(text.length < 200, `the tool's message: ${text.length} characters`)
  const viaHttp = await app.inject(`/human_move?human_position=${'7'.repeat(8000)}&${'q'.repeat(5000)}[]=X`)
  t.ok(viaHttp.body.length < 400, `the HTTP answer: ${viaHttp.body.length} characters`)
  const odd = await app.inject({ method: 'POST', url: '/mcp', headers: { 'content-type': `application/${'x'.repeat(10_000)}` }, payload: '{}' })
  t.equal(odd.statusCode, 415)
  t.ok(odd.body.length < 500, `a refused content type: ${odd.body.length} characters`)
  const longest = Math.max(...logs.map(line => JSON.stringify(line).length))
  t.ok(longest < 1000, `the longest log line: ${longest} characters`)
})

t.test('a tool call\'s own line names the /mcp request that made it; a forged door header names nothing', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, {}, { logs })
  await app.inject({
    method: 'POST',
    url: '/mcp',
    headers: { accept: 'application/json, text/event-stream' },
    payload: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'play_move', arguments: { ai_player: 'X' } } }
  })
  const door = logs.find(line => line.msg === 'request' && line.route === '/mcp')
  const play = logs.find(line => line.msg === 'request' && line.route === '/human_move')
  t.match(door, { reqId: String })
  t.equal(play?.mcpReqId, door?.reqId)
  t.not(play?.reqId, door?.reqId, 'each request keeps its own id')
  await app.inject({ url: '/human_move?ai_player=X', headers: { 'x-tictactoe-door': `mcp ${'0'.repeat(32)} forged-id` } })
  t.notOk(logs.some(line => line.mcpReqId === 'forged-id'))
})

t.test('a request\'s logger with more bindings: every line carries them, and so does a tool call\'s logger made from it', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, {}, { logs })
  await app.ready()
  const { callLogger, logWith } = await import('../../lib/logging.js')
  const log = app.log.child({ reqId: 'r-1', conversationId: 'c-1' })
  const request = { id: 'r-1', headers: { 'openai-conversation-id': 'c-1' }, logBindings: null, log, server: app }
  request.log = logWith(request as never, { traceId: 't-0' })
  request.log = logWith(request as never, { subject: 's-1' })
  request.log.info('outside')
  t.match(logs.find(line => line.msg === 'outside'), { reqId: 'r-1', conversationId: 'c-1', subject: 's-1', traceId: 't-0' })
  const call = callLogger(request as never, 'call-1', 't-1')
  call.info('call')
  const line = logs.find(entry => entry.msg === 'call') as Record<string, unknown>
  t.match(line, { reqId: 'call-1', conversationId: 'c-1', subject: 's-1', mcpReqId: 'r-1', traceId: 't-1' })
  t.same(Object.keys(line).filter(key => ['reqId', 'conversationId', 'subject', 'mcpReqId', 'traceId'].includes(key)),
    ['reqId', 'conversationId', 'traceId', 'subject', 'mcpReqId'], 'in the order the request\'s own lines have them')
  callLogger({ ...request, logBindings: null, headers: {} } as never, 'call-2', undefined).info('bare call')
  t.notOk('traceId' in (logs.find(entry => entry.msg === 'bare call') as object), 'no trace id unless given')
})

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
  t.equal(logs.length, 1, 'nothing else is logged for a good request')
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

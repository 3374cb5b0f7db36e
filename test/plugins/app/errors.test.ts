import t from 'tap'
import { buildApp } from '../../helper.js'

t.test('an unknown route: JSON 404 that points to the API', async t => {
  const app = await buildApp(t)
  const res = await app.inject('/human_moves?position_1=X')
  t.equal(res.statusCode, 404)
  t.same(res.json(), {
    statusCode: 404,
    error: 'Not Found',
    message: 'There is no GET /human_moves. Play with GET /human_move; the full API is at /openapi.json.'
  })
})

t.test('a server error: the message is hidden, logged at error with the request id, no stack', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, {}, { logs })
  app.get('/boom', async () => { throw new Error('internal detail: connection string xyz') })
  const res = await app.inject('/boom')
  t.equal(res.statusCode, 500)
  const body = res.json()
  t.same(Object.keys(body), ['statusCode', 'error', 'message'])
  t.match(body, {
    statusCode: 500,
    error: 'Internal Server Error',
    message: /^Something went wrong on the server; try again\. If it keeps failing, report request id [0-9a-f-]{36}\.$/
  })
  t.notMatch(res.body, 'internal detail')
  t.notMatch(res.body, 'at ')
  const logged = logs.find(line => line.msg === 'request failed') as Record<string, any>
  t.equal(logged.level, 50)
  t.equal(logged.err.message, 'internal detail: connection string xyz')
  t.ok(body.message.includes(logged.reqId), 'the answer names the logged request id')
})

t.test('a 503 says to retry; other client errors keep their message', async t => {
  const app = await buildApp(t)
  app.get('/busy', async () => { throw Object.assign(new Error('pool exhausted'), { statusCode: 503 }) })
  app.get('/teapot', async () => { throw Object.assign(new Error('I only brew tea.'), { statusCode: 418 }) })
  app.get('/odd', async () => { throw Object.assign(new Error('Odd client error.'), { statusCode: 499 }) })
  app.get('/taken', async () => { throw Object.assign(new Error('That name is taken.'), { statusCode: 409, code: 'name_taken' }) })
  t.same((await app.inject('/busy')).json(), {
    statusCode: 503,
    error: 'Service Unavailable',
    message: 'The server is busy or restarting; retry in a few seconds.'
  })
  t.same((await app.inject('/teapot')).json(), { statusCode: 418, error: "I'm a Teapot", message: 'I only brew tea.' })
  t.same((await app.inject('/odd')).json(), { statusCode: 499, error: 'Error', message: 'Odd client error.' })
  t.same(
    (await app.inject('/taken')).json(),
    { statusCode: 409, error: 'Conflict', code: 'name_taken', message: 'That name is taken.' },
    "the service's own code is part of the answer"
  )
})

t.test('validation of other parts of a request is reported the same way', async t => {
  const app = await buildApp(t)
  app.post(
    '/echo',
    { schema: { body: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 2 }, times: { type: 'integer' } } } } },
    async request => request.body
  )
  app.get('/count', { schema: { querystring: { type: 'object', properties: { times: { type: 'integer', maximum: 3 } } } } }, async request => request.query)
  const missing = await app.inject({ method: 'POST', url: '/echo', payload: {} })
  t.same(missing.json(), {
    statusCode: 400,
    error: 'Bad Request',
    code: 'invalid_parameter',
    message: 'name must have required property \'name\'. See /openapi.json for the parameters.'
  })
  const short = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'a' } })
  t.same(short.json().message, 'name must NOT have fewer than 2 characters (got "a"). See /openapi.json for the parameters.')
  const notWhole = await app.inject({ method: 'POST', url: '/echo', payload: { name: 'ab', times: 'twice' } })
  t.same(notWhole.json().message, 'times must be a whole number (got "twice"). See /openapi.json for the parameters.')
  const notObject = await app.inject({ method: 'POST', url: '/echo', payload: '"text"', headers: { 'content-type': 'application/json' } })
  t.same(notObject.json().message, 'body must be of type object. See /openapi.json for the parameters.')
  t.same((await app.inject('/count?times=9')).json(), {
    statusCode: 400,
    error: 'Bad Request',
    code: 'invalid_parameter',
    message: 'times must be at most 3 (got 9). See /openapi.json for the parameters.'
  }, 'a query too')
  const notJson = await app.inject({ method: 'POST', url: '/echo', payload: '{', headers: { 'content-type': 'application/json' } })
  t.equal(notJson.statusCode, 400)
  t.same(Object.keys(notJson.json()), ['statusCode', 'error', 'message'])
})

t.test('a body refused before any route counted it (not JSON, too large) is counted: past the allowance, 429', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '1' })
  // As an action that takes a JSON body is: counted by the pipeline, not by the open routes' hook.
  app.post('/takes-json', { config: { rateLimit: false } }, async () => ({ ok: true }))
  const send = async () => await app.inject({ method: 'POST', url: '/takes-json', headers: { 'content-type': 'application/json' }, payload: '{"a":' })
  const statuses = []
  for (let i = 0; i < 11; i++) statuses.push((await send()).statusCode)
  t.same(statuses, [...Array(10).fill(400), 429], 'ten a minute (the open allowance), then 429')
  const limited = await send()
  t.match(limited.json(), { statusCode: 429, message: /^Too many calls: at most 10 a minute per client\./ })
  t.match(limited.headers['retry-after'], /^\d+$/)
})

t.test('a refused request is one log line that says why: its code and message, at both doors', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, {}, { logs })
  await app.inject('/human_move?difficulty=impossible')
  await app.inject({
    method: 'POST', url: '/mcp', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, payload: '{"jsonrpc":'
  })
  await app.inject({
    method: 'POST',
    url: '/mcp',
    headers: { accept: 'application/json, text/event-stream' },
    payload: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'play_move', arguments: { difficulty: 'impossible' } } }
  })
  const lines = logs.filter(line => line.msg === 'request' || /refused|invalid/.test(String(line.msg)))
  t.same(lines.map(line => line.msg), ['request', 'request', 'request', 'request'], 'one line a request, and the tool call\'s own; no other')
  t.match(lines[0], { route: '/human_move', statusCode: 400, code: 'invalid_parameter', message: /^difficulty must be one of/ })
  t.match(lines[1], { route: '/mcp', statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY', message: String })
  t.match(lines[2], { route: '/human_move', statusCode: 400, code: 'invalid_parameter', message: /^difficulty must be one of/, mcpReqId: String })
  t.match(lines[3], { route: '/mcp', statusCode: 200 })
  t.notOk('code' in lines[3], 'an answered request says no code')
})

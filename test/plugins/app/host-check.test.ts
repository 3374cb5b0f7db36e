/** Who may call the MCP door (Host, Origin), and CORS on /mcp for ALLOWED_ORIGINS only, so hosts that run in a web page can call it. */
import t from 'tap'
import { loadConfig } from '../../../plugins/config.js'
import { allowedHosts, isLoopback } from '../../../plugins/app/host-check.js'
import { buildApp } from '../../helper.js'

t.test('loopback addresses', async t => {
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) t.ok(isLoopback(host), host)
  for (const host of ['0.0.0.0', '10.0.0.1', '::', 'game.example.com', '127.example.com']) t.notOk(isLoopback(host), host)
})

t.test('the hosts the MCP door answers to', async t => {
  t.same(allowedHosts(loadConfig({})), ['localhost', '127.0.0.1', '[::1]'])
  t.same(allowedHosts(loadConfig({ HOST: '0.0.0.0' })), [])
  t.same(allowedHosts(loadConfig({ HOST: '::', PUBLIC_URL: 'https://Game.Example.com', ALLOWED_HOSTS: ' a.example.com, [fd00::1] ' })),
    ['game.example.com', 'a.example.com', '[fd00::1]'])
})

const HOST_PAGE = 'https://inspector.example.org'
const KEY = 'a-very-secret-key-123'
const ping = { jsonrpc: '2.0', id: 1, method: 'ping' }

t.test('a preflight from an allowed origin is answered with the MCP and auth headers', async t => {
  const app = await buildApp(t, { ALLOWED_ORIGINS: HOST_PAGE, API_KEY: KEY })
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/mcp',
    headers: {
      origin: HOST_PAGE,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, authorization, mcp-protocol-version, mcp-method, mcp-name'
    }
  })
  t.equal(preflight.statusCode, 204, 'answered without the key: a preflight carries no credentials')
  t.equal(preflight.headers['access-control-allow-origin'], HOST_PAGE)
  t.equal(preflight.headers['access-control-allow-methods'], 'POST, GET, DELETE')
  t.same(String(preflight.headers['access-control-allow-headers']).split(', '), [
    'content-type',
    'accept',
    'authorization',
    'mcp-protocol-version',
    'mcp-method',
    'mcp-name',
    'last-event-id'
  ])
  t.equal(preflight.headers['access-control-max-age'], '7200')

  const refused = await app.inject({ method: 'POST', url: '/mcp', headers: { origin: HOST_PAGE }, payload: ping })
  t.equal(refused.statusCode, 401)
  t.equal(refused.headers['access-control-allow-origin'], HOST_PAGE, 'the page can read the refusal')
  t.equal(refused.headers['access-control-expose-headers'], 'www-authenticate', 'and its WWW-Authenticate')
  const answered = await app.inject({
    method: 'POST',
    url: '/mcp',
    headers: { origin: HOST_PAGE, authorization: `Bearer ${KEY}`, accept: 'application/json, text/event-stream' },
    payload: ping
  })
  t.equal(answered.statusCode, 200)
  t.equal(answered.headers['access-control-allow-origin'], HOST_PAGE, 'on the answer the SDK writes too')
  t.same(answered.json(), { jsonrpc: '2.0', id: 1, result: {} })
})

t.test('any other origin gets no CORS header and the 403 it gets without CORS', async t => {
  const app = await buildApp(t, { ALLOWED_ORIGINS: HOST_PAGE })
  for (const method of ['OPTIONS', 'POST'] as const) {
    const res = await app.inject({
      method,
      url: '/mcp',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
      payload: method === 'POST' ? ping : undefined
    })
    t.equal(res.statusCode, 403, method)
    t.notOk(Object.keys(res.headers).some(name => name.startsWith('access-control-')), `${method}: no CORS header`)
  }
  const otherRoute = await app.inject({ method: 'OPTIONS', url: '/human_move', headers: { origin: HOST_PAGE, 'access-control-request-method': 'GET' } })
  t.equal(otherRoute.statusCode, 405, 'CORS is the door\'s alone')
  t.notOk(otherRoute.headers['access-control-allow-origin'])
})

t.test('without ALLOWED_ORIGINS there is no CORS at all', async t => {
  const app = await buildApp(t)
  const res = await app.inject({ method: 'OPTIONS', url: '/mcp', headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST' } })
  t.equal(res.statusCode, 405)
  t.equal(res.headers.allow, 'GET, HEAD, POST, DELETE')
  t.notOk(res.headers['access-control-allow-origin'])
})

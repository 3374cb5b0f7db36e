/**
 * The built service, as `npm start` and the image run it: `node dist/server.js`, one bundled file
 * (scripts/build.mjs), which must answer as the sources do, at both doors, and start loading only
 * what its configuration uses: no compiler (the build compiled the schemas), no Redis client, no
 * sign-in, no metrics, no Swagger UI until /docs; each loaded, and working, once configured or
 * asked for. (Every other end-to-end test runs this build too; the unit tests run the sources.)
 */
import { readFile } from 'node:fs/promises'
import t, { type Test } from 'tap'
import { parse } from 'yaml'
import { buildApp } from '../helper.js'
import { SCOPE, startIssuer } from '../oauth-issuer.js'
import { otlpReceiver } from '../otlp-receiver.js'
import { BUILT_SERVER, exitOf, freePort, startBuiltServer, startRedis } from '../process-helper.js'

const root = new URL('../../', import.meta.url)
const LOADED = new URL('../fixtures/loaded-modules.mjs', import.meta.url).href
const ACCEPT = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'built-test', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {}
}

/** The built server with `env`, and, once it stops, every module it loaded. */
async function started (t: Test, env: Record<string, string> = {}) {
  const server = await startBuiltServer(t, { HOST: '127.0.0.1', SHUTDOWN_DRAIN_MS: '0', NODE_OPTIONS: `--import=${LOADED}`, ...env })
  const stop = async (): Promise<string[]> => {
    server.child.kill('SIGTERM')
    t.equal(await exitOf(server.child), 0, 'stops with status 0')
    const line = server.output().split('\n').find(one => one.startsWith('loaded modules: '))
    return JSON.parse(line?.slice('loaded modules: '.length) ?? '[]') as string[]
  }
  return { ...server, stop }
}

/** The packages each file of the build holds (written by the build). */
const outputs = JSON.parse(await readFile(new URL('dist/outputs.json', root), 'utf8')) as Record<string, string[]>

/**
 * Whether a package was loaded: from node_modules, or in a chunk of the build that holds it (the
 * bundle itself is always loaded: what it holds of Ajv and fast-json-stringify is the few helpers
 * their standalone code calls, not the compilers).
 */
function loadedAny (modules: string[], name: string): boolean {
  const files = Object.entries(outputs).filter(([file, packages]) => file !== 'server.js' && packages.includes(name)).map(([file]) => `/dist/${file}`)
  return modules.some(module => module.includes(`/node_modules/${name}/`) || files.some(file => module.endsWith(file)))
}

t.test('one file, answering at both doors as the sources do', async t => {
  const bundle = await readFile(BUILT_SERVER, 'utf8')
  t.notMatch(bundle, /from ['"]\.\/(?:app|plugins|routes|lib)\//, 'the service\'s modules are inside the bundle')
  t.match(await readFile(new URL('dist/server.js.map', root), 'utf8'), '"sources"', 'with its source map')

  const { url, port, output, stop } = await started(t)
  const app = await buildApp(t, {}, {})
  for (const query of [
    'position_1=x&position_5=O&human_position=9',
    'position_1=Z',
    'human_position=10',
    'position_1=X&position_2=X',
    'difficulty=HARD&ai_player=x'
  ]) {
    const built = await fetch(`${url}/human_move?${query}`)
    const sources = await app.inject(`/human_move?${query}`)
    t.equal(built.status, sources.statusCode, `${query}: status`)
    t.same(await built.json(), sources.json(), `${query}: answer`)
  }
  const calls = [
    { headers: ACCEPT, body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } },
    {
      headers: ACCEPT,
      body: { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'play_move', arguments: { position_1: 'X', human_position: 5 } } }
    },
    { headers: ACCEPT, body: { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'play_move', arguments: { position_1: 'Z' } } } },
    {
      headers: ACCEPT,
      body: {
        jsonrpc: '2.0',
        id: 4,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } }
      }
    },
    {
      headers: { ...ACCEPT, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'play_move' },
      body: { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'play_move', arguments: { ai_player: 'X' }, _meta: ENVELOPE } }
    },
    {
      headers: { ...ACCEPT, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'resources/read', 'mcp-name': 'ui://tictactoe/board.html' },
      body: { jsonrpc: '2.0', id: 6, method: 'resources/read', params: { uri: 'ui://tictactoe/board.html', _meta: ENVELOPE } }
    },
    {
      headers: { ...ACCEPT, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' },
      body: { jsonrpc: '2.0', id: 7, method: 'tools/list', params: { _meta: { ...ENVELOPE, 'io.modelcontextprotocol/clientCapabilities': 5 } } }
    }
  ]
  for (const { headers, body } of calls) {
    const built = await fetch(`${url}/mcp`, { method: 'POST', headers, body: JSON.stringify(body) })
    const sources = await app.inject({ method: 'POST', url: '/mcp', headers, payload: body })
    t.equal(built.status, sources.statusCode, `${body.method} ${body.id}: status`)
    t.same(await built.json(), sources.json(), `${body.method} ${body.id}: answer`)
  }
  const host = { host: `127.0.0.1:${port}` }
  t.same(await (await fetch(`${url}/openapi.json`)).json(), (await app.inject({ url: '/openapi.json', headers: host })).json(), '/openapi.json')
  t.same(parse(await (await fetch(`${url}/openapi.yaml`)).text()), (await app.inject({ url: '/openapi.json', headers: host })).json(), '/openapi.yaml')

  const modules = await stop()
  t.ok(modules.some(module => module.endsWith('/dist/server.js')), `${modules.length} modules loaded, the bundle among them`)
  for (const name of ['ioredis', 'jose', 'fastify-metrics']) t.ok(Object.values(outputs).some(packages => packages.includes(name)), `${name} is in the build`)
  for (const name of [
    'ajv',
    '@fastify/ajv-compiler',
    'fast-json-stringify',
    'ioredis',
    'jose',
    'fastify-metrics',
    '@fastify/swagger-ui',
    '@fastify/static',
    'pino-pretty',
    '@fastify/otel',
    '@opentelemetry/api'
  ]) {
    t.notOk(loadedAny(modules, name), `${name} was not loaded`)
  }
  t.notMatch(output(), /"level":50|Error/, 'nothing went wrong in the log')
})

t.test('Swagger UI is loaded on the first visit to /docs', async t => {
  const { url, stop } = await started(t)
  const page = await fetch(`${url}/docs/`)
  t.equal(page.status, 200)
  t.match(await page.text(), 'swagger-ui')
  t.match(page.headers.get('content-security-policy'), "script-src 'self'", 'with the security headers of a page')
  t.equal((await fetch(`${url}/docs/json`)).status, 200)
  t.ok(loadedAny(await stop(), '@fastify/swagger-ui'))
})

t.test('Redis, sign-in and metrics load when configured, and work', async t => {
  const redisPort = await freePort()
  await startRedis(t, redisPort)
  const [port, metricsPort, issuerPort] = [await freePort(), await freePort(), await freePort()]
  const publicUrl = `http://127.0.0.1:${port}`
  const issuer = await startIssuer(t, { port: issuerPort, resource: `${publicUrl}/mcp` })
  const receiver = await otlpReceiver()
  t.teardown(receiver.close)
  const { url, output, stop } = await started(t, {
    PORT: String(port),
    PUBLIC_URL: publicUrl,
    OAUTH_ISSUER: issuer.url,
    OAUTH_SCOPES: SCOPE,
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    METRICS_PORT: String(metricsPort),
    RATE_LIMIT_MAX: '2',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url
  })
  for (let i = 0; i < 100 && !output().includes('Redis connected'); i++) await new Promise(resolve => setTimeout(resolve, 50))
  const { SignJWT } = await import('jose')
  const key = issuer.keys[0]
  const token = await new SignJWT({ scope: SCOPE }).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(issuer.url).setAudience(`${publicUrl}/mcp`).setSubject('alice').setIssuedAt().setExpirationTime('5m').sign(key.privateKey)
  const play = async (bearer?: string) =>
    (await fetch(`${url}/human_move?ai_player=X`, { headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` } })).status
  t.equal(await play(), 401, 'sign-in asked')
  t.same([await play(token), await play(token), await play(token)], [200, 200, 429], 'signed in, counted (in Redis)')
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()
  t.match(metrics, /tictactoe_moves_total\{door="http",difficulty="hard"\} 2/)
  const modules = await stop()
  for (const name of ['ioredis', 'jose', 'fastify-metrics', '@fastify/otel', '@opentelemetry/api']) t.ok(loadedAny(modules, name), `${name} loaded`)
  t.notMatch(output(), /"level":50/, 'nothing went wrong in the log')
  // Traced: a signed-in call's request holds the sign-in's span (its door checks the credentials
  // before the action runs), and its action the rate limit's (in Redis).
  const signedIn = receiver.spans.filter(span => span.name === 'action humanMove' && span.attributes['http.response.status_code'] === 200)
  t.equal(signedIn.length, 2)
  t.ok(receiver.spans.some(span => span.name === 'rate limit' && span.parentSpanId === signedIn[0].spanId), 'the rate limit within the action')
  t.ok(signedIn[0].parentSpanId !== '' && receiver.spans.some(span => span.name === 'sign-in' && span.parentSpanId === signedIn[0].parentSpanId),
    'the sign-in within the request, beside the action')
})

t.test('traces, with an OTLP endpoint: a GPT call and a tool call in each revision keep the caller\'s trace id', async t => {
  const receiver = await otlpReceiver()
  t.teardown(receiver.close)
  const { url, output, stop } = await started(t, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'tictactoe-built' })
  const traceOf = (n: number) => ({ traceId: String(n).repeat(32), traceparent: `00-${String(n).repeat(32)}-${String(n).repeat(16)}-01` })
  const [gpt, legacy, modern] = [traceOf(1), traceOf(2), traceOf(3)]
  t.equal((await fetch(`${url}/human_move?human_position=5`, { headers: { traceparent: gpt.traceparent } })).status, 200)
  const call = { name: 'play_move', arguments: { ai_player: 'X' } }
  const legacyCall = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { ...ACCEPT, 'mcp-protocol-version': '2025-11-25', traceparent: legacy.traceparent },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: call })
  })
  t.equal(legacyCall.status, 200)
  const modernCall = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { ...ACCEPT, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'play_move' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { ...call, _meta: { ...ENVELOPE, traceparent: modern.traceparent } } })
  })
  t.equal(modernCall.status, 200)
  // The last spans are sent as the server stops.
  const modules = await stop()
  t.ok(loadedAny(modules, '@opentelemetry/api'))
  const inTrace = (traceId: string): string[] => receiver.spans.filter(span => span.traceId === traceId).map(span => span.name).sort()
  t.same(inTrace(gpt.traceId), ['GET /human_move', 'action humanMove', 'engine playTurn', 'rate limit'], 'the GPT call')
  t.same(inTrace(legacy.traceId), ['POST /mcp', 'action humanMove', 'engine playTurn', 'rate limit', 'tools/call play_move'], 'the 2025 tool call')
  t.same(inTrace(modern.traceId), ['action humanMove', 'engine playTurn', 'rate limit', 'tools/call play_move'], 'the 2026-07-28 tool call, from its _meta')
  t.ok(receiver.spans.every(span => span.service === 'tictactoe-built'), 'the service\'s name')
  t.ok(output().includes(`"traceId":"${gpt.traceId}"`), 'the log names the trace')
  t.notMatch(output(), /"level":(40|50)/, 'nothing went wrong in the log')
})

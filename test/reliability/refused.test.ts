/**
 * Refusals are charged to whoever sends them, never to others. A wrong API key or a token for
 * another audience, over and over, is cut off by 429 once its sender's allowance of refused calls
 * is spent, while good credentials from the same address (a NAT, a host's egress) still play; a
 * trusted host's address that names no one is never cut off at all; calls without credentials get
 * the challenge that starts a sign-in; a web page's cross-site POSTs charge nobody. Preflights count
 * against the open allowance. No rate-limit key grows with what a caller sends, in memory or in Redis.
 */
import { SignJWT } from 'jose'
import t from 'tap'
import { buildApp, until } from '../helper.js'
import { SCOPE, signingKey, startIssuer } from '../oauth-issuer.js'
import { freePort, startRedis } from '../process-helper.js'

const KEY = 'a-very-secret-key-123'
const ATTACKER = '198.51.100.66'
const HONEST = '203.0.113.10'
const FLOOD = 1500
type App = Awaited<ReturnType<typeof buildApp>>

const mcpCall = (app: App, headers: Record<string, string>, remoteAddress: string) => app.inject({
  method: 'POST',
  url: '/mcp',
  remoteAddress,
  headers: { accept: 'application/json, text/event-stream', ...headers },
  payload: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'play_move', arguments: { ai_player: 'X' } } }
})
const httpCall = (app: App, headers: Record<string, string>, remoteAddress: string) => app.inject({ url: '/human_move?ai_player=X', headers, remoteAddress })

/** The statuses of `count` calls, run-length encoded: [[401, 2], [429, 1498]]. */
async function statuses (count: number, call: () => Promise<{ statusCode: number }>): Promise<Array<[number, number]>> {
  const runs: Array<[number, number]> = []
  for (let i = 0; i < count; i++) {
    const { statusCode } = await call()
    const last = runs.at(-1)
    if (last?.[0] === statusCode) last[1]++
    else runs.push([statusCode, 1])
  }
  return runs
}

for (const door of ['http', 'mcp'] as const) {
  const call = door === 'http' ? httpCall : mcpCall
  t.test(`${door}: a flood of wrong API keys is cut off by 429; an honest caller elsewhere plays on`, async t => {
    const logs: Array<Record<string, unknown>> = []
    const app = await buildApp(t, { API_KEY: KEY, RATE_LIMIT_MAX: '2' }, { logs })
    // Each guess names another player: a refused key proves nothing, so the ids buy nothing.
    const guesses = await statuses(
      FLOOD,
      async () => await call(app, { authorization: `Bearer guess-${Math.random()}`, 'openai-ephemeral-user-id': `player-${Math.random()}` }, ATTACKER)
    )
    t.same(guesses, [[401, 2], [429, FLOOD - 2]], 'two refusals, then 429')
    const cutOff = await call(app, { authorization: 'Bearer another-guess' }, ATTACKER)
    t.match(cutOff.headers['retry-after'], /^\d+$/)
    const message = door === 'http' ? cutOff.json().message : cutOff.json().error.message
    t.match(message, /^Too many refused calls: at most 2 a minute per client\. Wait \d+ seconds, then try again with valid credentials\.$/)
    t.equal((await call(app, { authorization: `Bearer ${KEY}` }, ATTACKER)).statusCode, 200, 'the right key from the same address plays (a NAT)')
    t.equal((await call(app, { authorization: `Bearer ${KEY}` }, HONEST)).statusCode, 200, 'another address with the key plays')
    t.equal((await call(app, { authorization: `Bearer ${KEY}` }, HONEST)).statusCode, 200)
    t.notOk(logs.some(line => Number(line.level) >= 50), 'no error line')
  })
}

t.test('tokens for another audience, at both doors: cut off by 429, and the issuer is never asked while they are', async t => {
  const PUBLIC_URL = 'https://tictactoe.example.com'
  const issuer = await startIssuer(t, { port: await freePort(), resource: `${PUBLIC_URL}/mcp` })
  const app = await buildApp(t, { PUBLIC_URL, OAUTH_ISSUER: issuer.url, OAUTH_SCOPES: SCOPE, RATE_LIMIT_MAX: '3' })
  await app.ready()
  await app.signIn?.metadata()
  const key = issuer.keys[0]
  const token = async (audience: string, subject = 'mallory') => await new SignJWT({ scope: SCOPE })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(issuer.url).setAudience(audience).setSubject(subject).setIssuedAt().setExpirationTime('10m')
    .sign(key.privateKey)
  const elsewhere = await token('https://other.example.com/mcp')
  const runs = await statuses(FLOOD, async () => await (Math.random() < 0.5 ? httpCall : mcpCall)(app, { authorization: `Bearer ${elsewhere}` }, ATTACKER))
  t.same(runs, [[401, 3], [429, FLOOD - 3]])
  // A forged key id past the allowance: refused without asking the issuer more than its cooldown lets.
  const fetches = issuer.requests.get('/jwks') ?? 0
  const forged = await new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: 'forged' })
    .setSubject('x')
    .setExpirationTime('1m')
    .sign((await signingKey('forged')).privateKey)
  for (let i = 0; i < 20; i++) t.equal((await httpCall(app, { authorization: `Bearer ${forged}` }, ATTACKER)).statusCode, 429)
  t.ok((issuer.requests.get('/jwks') ?? 0) - fetches <= 1, 'at most one fetch of the key set')
  const alice = `Bearer ${await token(`${PUBLIC_URL}/mcp`, 'alice')}`
  t.equal((await mcpCall(app, { authorization: alice }, HONEST)).statusCode, 200, 'a signed-in player elsewhere plays')
  t.equal((await mcpCall(app, { authorization: alice }, ATTACKER)).statusCode, 200, 'and at the attacker\'s address (a NAT)')
  t.equal((await httpCall(app, { authorization: alice }, ATTACKER)).statusCode, 200, 'at both doors')
  const none = await httpCall(app, {}, ATTACKER)
  t.equal(none.statusCode, 401, 'a call without a token there still gets the challenge that starts a sign-in')
  t.match(none.headers['www-authenticate'], /resource_metadata=/)
})

t.test('a host\'s egress (TRUSTED_NETWORKS) with sign-in: forged tokens and calls without one lock nobody out', async t => {
  const PUBLIC_URL = 'https://tictactoe.example.com'
  const CHATGPT = '203.0.113.7'
  const issuer = await startIssuer(t, { port: await freePort(), resource: `${PUBLIC_URL}/mcp` })
  const app = await buildApp(t, { PUBLIC_URL, OAUTH_ISSUER: issuer.url, OAUTH_SCOPES: SCOPE, RATE_LIMIT_MAX: '3', TRUSTED_NETWORKS: '203.0.113.0/24' })
  await app.ready()
  await app.signIn?.metadata()
  const key = issuer.keys[0]
  const token = async (audience: string, subject: string) => await new SignJWT({ scope: SCOPE })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(issuer.url).setAudience(audience).setSubject(subject).setIssuedAt().setExpirationTime('10m')
    .sign(key.privateKey)
  const forged = `Bearer ${await token('https://other.example.com/mcp', 'mallory')}`
  const forgedRuns = await statuses(100, async () => await (Math.random() < 0.5 ? httpCall : mcpCall)(app, { authorization: forged }, CHATGPT))
  t.same(forgedRuns, [[401, 100]], 'each forged token refused as it is, never turned into a lockout of the address')
  const noTokenRuns = await statuses(60, async () => await mcpCall(app, {}, CHATGPT))
  t.same(noTokenRuns, [[401, 60]], 'a call without a token always gets the sign-in challenge')
  const valid = `Bearer ${await token(`${PUBLIC_URL}/mcp`, 'alice')}`
  t.equal((await mcpCall(app, { authorization: valid }, CHATGPT)).statusCode, 200, 'a signed-in player behind the same address plays at /mcp')
  t.equal((await httpCall(app, { authorization: valid }, CHATGPT)).statusCode, 200, 'and at GET /human_move')
})

t.test('a web page\'s cross-site simple POSTs are refused and charge nobody: the visitor\'s own MCP client plays', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '2', ALLOWED_ORIGINS: 'https://inspector.example.org' })
  // What fetch(url, { method: 'POST', mode: 'no-cors' }) sends from any page: no preflight.
  const simplePost = async () => await app.inject({
    method: 'POST',
    url: '/mcp',
    remoteAddress: ATTACKER,
    headers: { origin: 'https://evil.example.com', 'content-type': 'text/plain' },
    payload: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' })
  })
  t.same(await statuses(200, simplePost), [[403, 200]], 'refused each time, never a lockout')
  t.equal((await mcpCall(app, {}, ATTACKER)).statusCode, 200, 'the visitor\'s MCP client at that address plays')
  t.equal((await mcpCall(app, { origin: 'https://inspector.example.org' }, ATTACKER)).statusCode, 200, 'and the allowed page')
})

t.test('preflights count against the open allowance', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '1', ALLOWED_ORIGINS: 'https://inspector.example.org' })
  const preflight = () =>
    app.inject({
      method: 'OPTIONS',
      url: '/mcp',
      remoteAddress: ATTACKER,
      headers: { origin: 'https://inspector.example.org', 'access-control-request-method': 'POST' }
    })
  t.same(await statuses(12, preflight), [[204, 10], [429, 2]], 'ten a minute (ten times RATE_LIMIT_MAX), then 429')
  t.equal((await mcpCall(app, {}, ATTACKER)).statusCode, 429, 'sharing its count with the messages')
})

t.test('no rate-limit key in Redis grows with what a caller sends', async t => {
  const redisPort = await freePort()
  await startRedis(t, redisPort)
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(
    t,
    { REDIS_URL: `redis://127.0.0.1:${redisPort}`, API_KEY: KEY, TRUSTED_NETWORKS: '203.0.113.0/24', RATE_LIMIT_MAX: '5' },
    { logs }
  )
  await app.ready()
  await until(() => logs.some(line => String(line.msg).startsWith('Redis connected')))
  const long = 'p'.repeat(8000)
  await httpCall(app, { authorization: `Bearer ${KEY}`, 'openai-ephemeral-user-id': long }, HONEST)
  await httpCall(app, { 'openai-ephemeral-user-id': long }, HONEST)
  await httpCall(app, { authorization: 'Bearer wrong-key', 'openai-ephemeral-user-id': long }, ATTACKER)
  await app.inject({
    method: 'POST',
    url: '/mcp',
    remoteAddress: HONEST,
    headers: {
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${KEY}`
    },
    payload: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'play_move', arguments: {}, _meta: { 'openai/subject': long } } }
  })
  await httpCall(app, { authorization: `Bearer ${KEY}`, 'openai-ephemeral-user-id': 'short-id' }, ATTACKER)
  const keys = await app.redis?.keys('*') ?? []
  t.ok(keys.length >= 4, `${keys.length} keys: ${keys.join(', ').slice(0, 400)}`)
  t.same(keys.filter(key => key.length > 256), [], 'none over 256 characters')
  t.ok(keys.some(key => key.includes('{user:short-id}')), 'a short id is written as it is')
})

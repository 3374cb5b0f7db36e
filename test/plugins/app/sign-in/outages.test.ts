/**
 * The issuer's key set through its outages, against a real server on loopback whose answers the
 * test sets: down (500, HTML, JSON that is no key set, connections reset or refused), then back
 * with a rotated key. Forged tokens never make the service fetch the keys more than once per few
 * seconds, the last good keys keep verifying through an outage longer than their age (the clock
 * moved), a key set that is not one is the issuer's fault (503, never 401), and each outage is one
 * warning when it starts and one when it ends. Tokens' `sub` and `typ` are checked too.
 */
import { createServer } from 'node:http'
import { once } from 'node:events'
import { SignJWT } from 'jose'
import t, { type Test } from 'tap'
import { JWKS_COOLDOWN_MS, JWKS_MAX_AGE_MS, JWKS_RETRY_MS, JWKS_STALE_MS, SUBJECT_MAX } from '../../../../plugins/app/sign-in.js'
import { buildApp } from '../../../helper.js'
import { SCOPE, type SigningKey, signingKey } from '../../../oauth-issuer.js'
import { freePort } from '../../../process-helper.js'

const PUBLIC_URL = 'https://tictactoe.example.com'
const RESOURCE = `${PUBLIC_URL}/mcp`
const KEYS_DOWN = /^sign-in: the issuer's keys cannot be fetched/
const KEYS_BACK = 'sign-in: the issuer\'s keys are fetched again'

type KeySetAnswer = 'keys' | '500' | 'html' | 'no content type' | 'not a key set' | 'reset' | 'hang'

/** An issuer whose key set answers as `state.answer` says (or is at `jwksUri`); counts the key set's fetches. */
async function startKeyServer (t: Test, keys: SigningKey[], jwksUri?: string) {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const state = { answer: 'keys' as KeySetAnswer, keys, fetches: 0, delayMs: 0 }
  const publicJwk = ({ privateJwk: { d: _d, ...jwk } }: SigningKey) => jwk
  const server = createServer((request, response) => {
    if (request.url === '/.well-known/oauth-authorization-server') {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ issuer: url, authorization_endpoint: `${url}/auth`, token_endpoint: `${url}/token`, jwks_uri: jwksUri ?? `${url}/jwks` }))
      return
    }
    state.fetches++
    switch (state.answer) {
      case 'keys':
        return setTimeout(
          () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys.map(publicJwk) })),
          state.delayMs
        )
      case '500':
        return response.writeHead(500).end('upstream broke')
      case 'html':
        return response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Down for maintenance</body></html>')
      case 'no content type':
        return response.writeHead(200).end('Down for maintenance')
      case 'not a key set':
        return response.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":"x"}')
      case 'reset':
        return request.socket.destroy()
      case 'hang':
        // Takes the connection and never answers (torn down with the server).
        return undefined
    }
  })
  server.listen(port, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => { server.closeAllConnections(); server.close() })
  return { url, state }
}

/** An access token of the issuer, signed with `key`, with the claims and header the test changes. */
async function token (
  issuer: string,
  key: SigningKey,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = { typ: 'at+jwt' }
): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return await new SignJWT({ iss: issuer, aud: RESOURCE, sub: 'alice', iat: now, exp: now + 7 * 24 * 3600, scope: SCOPE, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, ...header })
    .sign(key.privateKey)
}

/** The app signed in to the issuer, with a clock the test can move forward. */
async function setUp (t: Test, issuer: string, env: Record<string, string> = {}) {
  const logs: Array<Record<string, unknown>> = []
  const clock = { offset: 0 }
  const app = await buildApp(
    t,
    { PUBLIC_URL, OAUTH_ISSUER: issuer, OAUTH_SCOPES: SCOPE, RATE_LIMIT_MAX: '100000', ...env },
    { logs, now: () => Date.now() + clock.offset }
  )
  await app.ready()
  await app.signIn?.metadata()
  return { app, logs, clock }
}

type App = Awaited<ReturnType<typeof buildApp>>

/** One call at a door with a bearer token: a move over HTTP, or tools/list at the MCP door. */
async function call (app: App, door: 'http' | 'mcp', bearer: string) {
  const authorization = `Bearer ${bearer}`
  return door === 'http'
    ? await app.inject({ url: '/human_move?ai_player=X', headers: { authorization } })
    : await app.inject({
      method: 'POST',
      url: '/mcp',
      headers: {
        authorization,
        accept: 'application/json, text/event-stream'
      },
      payload: { jsonrpc: '2.0', id: 1, method: 'tools/list' }
    })
}

const warnings = (logs: Array<Record<string, unknown>>, pattern: RegExp | string) =>
  logs.filter(line => typeof pattern === 'string' ? line.msg === pattern : pattern.test(String(line.msg))).length

for (const [answer, known] of [['500', true], ['reset', false]] as const) {
  const how = answer === '500' ? 'answers 500' : 'resets connections'
  t.test(`a flood of forged tokens against a key set that ${how}, keys ${known ? 'known' : 'never fetched'}: a few fetches, a few lines`, async t => {
    const good = await signingKey('key-1')
    const issuer = await startKeyServer(t, [good])
    const { app, logs, clock } = await setUp(t, issuer.url)
    if (known) t.equal((await call(app, 'http', await token(issuer.url, good))).statusCode, 200, 'the keys are known')
    issuer.state.answer = answer
    // Past the cooldown: a key id the keys do not have may fetch them again.
    clock.offset = JWKS_COOLDOWN_MS
    const before = issuer.state.fetches
    const forger = await signingKey('forged')
    const statuses = new Set<number>()
    let calls = 0
    // Forged tokens keep coming for 6 s (of the service's clock), one every 50 ms, each naming a key
    // id the service has never seen.
    for (; calls < 120; calls++) {
      clock.offset += 50
      const forged = await token(issuer.url, { ...forger, kid: `forged-${calls}` }, { sub: `mallory-${calls}` })
      statuses.add((await call(app, calls % 2 === 0 ? 'http' : 'mcp', forged)).statusCode)
    }
    const fetches = issuer.state.fetches - before
    t.ok(fetches >= 1 && fetches <= 5, `${fetches} fetches of the key set, at most 5`)
    const lines = logs.filter(line => line.level === 40 && line.msg !== 'request')
    t.ok(lines.length <= 5, `${lines.length} warning lines, at most 5`)
    t.equal(warnings(logs, KEYS_DOWN), 1, 'one of them says the keys cannot be fetched')
    // A key id the keys lack may be newer than they are: while the key set cannot be fetched that
    // is the issuer's outage (retry), not the token's fault.
    t.same([...statuses], [503], known ? 'unknown key ids while the key set fails: 503' : 'no keys: the issuer is unavailable')
    t.notOk(logs.some(line => line.level === 50), 'no error line')
  })
}

t.test('a key set that refuses connections from the start: 503 with Retry-After, one line, and asked again after a few seconds', async t => {
  const key = await signingKey('key-1')
  const issuer = await startKeyServer(t, [key], `http://127.0.0.1:${await freePort()}/jwks`)
  const { app, logs, clock } = await setUp(t, issuer.url)
  for (const door of ['http', 'mcp'] as const) {
    for (let i = 0; i < 20; i++) {
      const res = await call(app, door, await token(issuer.url, key))
      t.equal(res.statusCode, 503, `${door} ${i}`)
      t.equal(res.headers['retry-after'], '5')
    }
  }
  t.equal(warnings(logs, KEYS_DOWN), 1, 'one line for the whole outage')
  t.match(logs.find(line => KEYS_DOWN.test(String(line.msg)))?.error, /cannot be reached \(ECONNREFUSED\)/)
  clock.offset = JWKS_RETRY_MS
  t.equal((await call(app, 'http', await token(issuer.url, key))).statusCode, 503, 'asked again, still refused')
  t.equal(warnings(logs, KEYS_DOWN), 1, 'and still one line')
})

t.test('keys known, then an outage longer than their age: the last good keys keep verifying, for a day', async t => {
  const good = await signingKey('key-1')
  const issuer = await startKeyServer(t, [good])
  const { app, logs, clock } = await setUp(t, issuer.url)
  const valid = await token(issuer.url, good)
  t.equal((await call(app, 'http', valid)).statusCode, 200)
  issuer.state.answer = '500'
  clock.offset = JWKS_MAX_AGE_MS + 60_000
  const before = issuer.state.fetches
  for (const door of ['http', 'mcp'] as const) {
    for (let i = 0; i < 10; i++) t.equal((await call(app, door, valid)).statusCode, 200, `${door}: answered 11 minutes into the outage`)
  }
  t.equal(issuer.state.fetches - before, 1, 'the keys were asked for once')
  t.equal(warnings(logs, KEYS_DOWN), 1)
  const forged = await token(issuer.url, { ...await signingKey('forged'), kid: 'forged-1' })
  const unknownKey = await call(app, 'http', forged)
  t.equal(unknownKey.statusCode, 503, 'a key the kept keys do not have may be newer than they are: retry, not refused')
  t.notOk(unknownKey.headers['www-authenticate'], 'nothing tells the client to sign in again')
  t.equal(issuer.state.fetches - before, 1, 'and fetches nothing more')

  clock.offset = JWKS_STALE_MS + 60_000
  const tooLate = await call(app, 'mcp', valid)
  t.equal(tooLate.statusCode, 503, 'a day later the old keys are no longer used')
  t.match(tooLate.json().error.message, /^Sign-in cannot be checked now/)
  t.equal(tooLate.headers['retry-after'], '5')
})

t.test('keys past their age while the key set hangs: every call verifies at once with the keys kept, one fetch in the background', async t => {
  const good = await signingKey('key-1')
  const issuer = await startKeyServer(t, [good])
  const { app, logs, clock } = await setUp(t, issuer.url)
  const valid = await token(issuer.url, good)
  t.equal((await call(app, 'http', valid)).statusCode, 200)
  issuer.state.answer = 'hang'
  clock.offset = JWKS_MAX_AGE_MS + 1000
  const before = issuer.state.fetches
  const answers = await Promise.all(Array.from({ length: 20 }, async (_, i) => (await call(app, i % 2 === 0 ? 'http' : 'mcp', valid)).statusCode))
  t.same(answers, Array(20).fill(200), 'all answered')
  t.equal(warnings(logs, KEYS_DOWN), 0, 'while the one fetch still waits on the issuer: no call waited for it')
  t.equal(issuer.state.fetches - before, 1, 'one fetch for all of them')
})

t.test('during an outage a genuine token signed by a newly rotated key is told to retry (503), then taken once the issuer is back', async t => {
  const old = await signingKey('key-1')
  const issuer = await startKeyServer(t, [old])
  const { app, logs, clock } = await setUp(t, issuer.url)
  t.equal((await call(app, 'http', await token(issuer.url, old))).statusCode, 200)
  const next = await signingKey('key-2')
  issuer.state.keys = [next]
  issuer.state.answer = '500'
  clock.offset = JWKS_COOLDOWN_MS
  const rotated = await token(issuer.url, next)
  for (const door of ['http', 'mcp'] as const) {
    const answer = await call(app, door, rotated)
    t.equal(answer.statusCode, 503, `${door}: 503, not 401`)
    t.equal(answer.headers['retry-after'], '5')
  }
  t.equal(warnings(logs, KEYS_DOWN), 1)
  issuer.state.answer = 'keys'
  clock.offset += JWKS_RETRY_MS
  t.equal((await call(app, 'mcp', rotated)).statusCode, 200, 'the issuer back: the rotated key is fetched and taken')
})

const ANSWERS = { html: 'an HTML page', 'no content type': 'text with no content type', 'not a key set': '{"keys":"x"}' }
for (const answer of ['html', 'no content type', 'not a key set'] as const) {
  t.test(`a key set that answers ${ANSWERS[answer]} is the issuer's fault: 503, never 401; the last good keys if known`, async t => {
    const good = await signingKey('key-1')
    const issuer = await startKeyServer(t, [good])
    issuer.state.answer = answer
    const { app, logs, clock } = await setUp(t, issuer.url)
    const valid = await token(issuer.url, good)
    const refused = await call(app, 'http', valid)
    t.equal(refused.statusCode, 503)
    t.equal(refused.headers['retry-after'], '5')
    t.notOk(refused.headers['www-authenticate'], 'nothing tells the client to sign in again')
    t.equal((await call(app, 'mcp', valid)).statusCode, 503, 'at the MCP door too')
    t.equal(issuer.state.fetches, 1, 'asked once, not on every call')
    const why = { html: /not JSON \(text\/html\)/, 'no content type': /not JSON \(no content type\)/, 'not a key set': /not a key set/ }
    t.match(logs.find(line => KEYS_DOWN.test(String(line.msg)))?.error, why[answer])

    issuer.state.answer = 'keys'
    clock.offset = JWKS_RETRY_MS
    t.equal((await call(app, 'http', valid)).statusCode, 200, 'answered once the issuer gives keys')
    t.equal(warnings(logs, KEYS_BACK), 1)
    issuer.state.answer = answer
    clock.offset += JWKS_MAX_AGE_MS + 1000
    t.equal((await call(app, 'mcp', valid)).statusCode, 200, 'and through its next outage, with the keys it gave')
  })
}

t.test('the issuer comes back with a rotated key: taken within the retry window, one line each way', async t => {
  const old = await signingKey('key-1')
  const issuer = await startKeyServer(t, [old])
  const { app, logs, clock } = await setUp(t, issuer.url)
  t.equal((await call(app, 'http', await token(issuer.url, old))).statusCode, 200)
  issuer.state.answer = '500'
  clock.offset = JWKS_MAX_AGE_MS
  t.equal((await call(app, 'http', await token(issuer.url, old))).statusCode, 200, 'through the outage')
  const next = await signingKey('key-2')
  issuer.state.keys = [next]
  issuer.state.answer = 'keys'
  const rotated = await token(issuer.url, next)
  clock.offset += JWKS_RETRY_MS
  t.equal((await call(app, 'mcp', rotated)).statusCode, 200, 'the new key is fetched and taken')
  t.equal((await call(app, 'http', await token(issuer.url, old))).statusCode, 401, 'the key the issuer no longer publishes is refused')
  t.equal(warnings(logs, KEYS_DOWN), 1)
  t.equal(warnings(logs, KEYS_BACK), 1)
})

t.test('calls that arrive while the keys are being fetched share the one fetch', async t => {
  const key = await signingKey('key-1')
  const issuer = await startKeyServer(t, [key])
  issuer.state.delayMs = 300
  const { app } = await setUp(t, issuer.url)
  const valid = await token(issuer.url, key)
  const answers = await Promise.all(Array.from({ length: 6 }, async (_, i) => (await call(app, i % 2 === 0 ? 'http' : 'mcp', valid)).statusCode))
  t.same(answers, Array(6).fill(200))
  t.equal(issuer.state.fetches, 1, 'one fetch for six calls')
})

t.test('sub must be a non-empty string of at most 255 characters: 401 naming the claim, no error line, at both doors', async t => {
  const key = await signingKey('key-1')
  const issuer = await startKeyServer(t, [key])
  const { app, logs } = await setUp(t, issuer.url)
  for (const sub of [42, true, { id: 'alice' }, ['alice'], null, '', 'x'.repeat(SUBJECT_MAX + 1), 'x'.repeat(8192)]) {
    for (const door of ['http', 'mcp'] as const) {
      const res = await call(app, door, await token(issuer.url, key, { sub }))
      t.equal(res.statusCode, 401, `${door}: sub ${JSON.stringify(sub).slice(0, 20)}`)
      t.match(
        res.headers['www-authenticate'],
        /^Bearer error="invalid_token", error_description="The access token is not accepted: its sub claim must be a non-empty string of at most 255 characters\."/
      )
    }
  }
  t.equal((await call(app, 'http', await token(issuer.url, key, { sub: 'x'.repeat(SUBJECT_MAX) }))).statusCode, 200, '255 characters are taken')
  t.notOk(logs.some(line => Number(line.level) >= 50), 'no error line')
})

t.test('typ, when present, is an access token\'s or a plain JWT', async t => {
  const key = await signingKey('key-1')
  const issuer = await startKeyServer(t, [key])
  const { app } = await setUp(t, issuer.url)
  for (const typ of ['at+jwt', 'application/at+jwt', 'JWT', 'jwt', undefined]) {
    t.equal((await call(app, 'http', await token(issuer.url, key, {}, typ === undefined ? {} : { typ }))).statusCode, 200, `typ ${typ}`)
  }
  for (const typ of ['id_token+jwt', 'logout+jwt', 'dpop+jwt']) {
    const res = await call(app, 'mcp', await token(issuer.url, key, {}, { typ }))
    t.equal(res.statusCode, 401, `typ ${typ}`)
    t.match(res.json().error.message, `its typ header is "${typ}", not at+jwt (RFC 9068)`)
  }
})

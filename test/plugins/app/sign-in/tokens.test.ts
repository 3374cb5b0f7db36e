/**
 * Each bad token by itself, against a real authorization server (oidc-provider) whose keys the
 * test holds: expired, not yet valid, for another audience, from another issuer, tampered,
 * `alg: none`, an HMAC keyed with the public key, an unknown key id (and a flood of them: the key
 * set is fetched a bounded number of times), a key published later, a token without the scope,
 * no token at all, and an issuer that does not answer at start. Pages and metadata stay open.
 */
import { type JsonWebKey, createHmac, createPublicKey } from 'node:crypto'
import { SignJWT } from 'jose'
import t, { type Test } from 'tap'
import { CLOCK_TOLERANCE_S, DISCOVERY_RETRY_MS, JWKS_COOLDOWN_MS } from '../../../../plugins/app/sign-in.js'
import { buildApp } from '../../../helper.js'
import { SCOPE, type Issuer, signingKey, startIssuer } from '../../../oauth-issuer.js'
import { freePort } from '../../../process-helper.js'

const PUBLIC_URL = 'https://tictactoe.example.com'
const RESOURCE = `${PUBLIC_URL}/mcp`
const METADATA = `${PUBLIC_URL}/.well-known/oauth-protected-resource/mcp`
const PLAY = '/human_move?ai_player=X'

/** The app signed in to a fresh issuer, with a clock the test can move forward instead of waiting. */
async function setUp (t: Test, env: Record<string, string> = {}) {
  const issuer = await startIssuer(t, { port: await freePort(), resource: RESOURCE })
  const logs: Array<Record<string, unknown>> = []
  const clock = { offset: 0 }
  const app = await buildApp(
    t,
    { PUBLIC_URL, OAUTH_ISSUER: issuer.url, OAUTH_SCOPES: SCOPE, RATE_LIMIT_MAX: '1000', ...env },
    { logs, now: () => Date.now() + clock.offset }
  )
  await app.ready()
  await app.signIn?.metadata()
  return { issuer, app, logs, clock }
}

/** An access token as the issuer makes them (RFC 9068), with what the test changes. */
async function token (issuer: Issuer, claims: Record<string, unknown> = {}, key = issuer.keys[0]): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return await new SignJWT({ scope: SCOPE, client_id: 'test-client', ...claims })
    .setProtectedHeader({ alg: key.privateJwk.alg as string, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(claims.iss as string ?? issuer.url)
    .setAudience(claims.aud as string ?? RESOURCE)
    .setSubject(claims.sub as string ?? 'alice')
    .setIssuedAt(now)
    .setExpirationTime(claims.exp as number ?? now + 600)
    .setJti(String(Math.random()))
    .sign(key.privateKey)
}

/** A token signed by the issuer's key with claims set as given, `undefined` leaving one out. */
async function tokenWithClaims (issuer: Issuer, changes: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const claims = Object.fromEntries(
    Object.entries({ iss: issuer.url, aud: RESOURCE, sub: 'alice', iat: now, exp: now + 600, scope: SCOPE, ...changes }).filter(
      ([, value]) => value !== undefined
    )
  )
  const key = issuer.keys[0]
  return await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' }).sign(key.privateKey)
}

const call = (app: Awaited<ReturnType<typeof buildApp>>, bearer?: string, url = PLAY) =>
  app.inject({ url, headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` } })

t.test('a valid token plays; each bad one is a 401 invalid_token that says why', async t => {
  const { issuer, app } = await setUp(t)
  t.equal((await call(app, await token(issuer))).statusCode, 200, 'a valid token')
  const now = Math.floor(Date.now() / 1000)
  const stranger = await signingKey('key-1')
  const good = await token(issuer)
  const [header, payload, signature] = good.split('.')
  const tampered = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'mallory' })).toString('base64url')}.${signature}`
  const unsecured = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`
  // The classic confusion: HS256 keyed with the issuer's public key, which anyone can fetch.
  const publicPem = createPublicKey({ key: issuer.keys[0].privateJwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' })
  const hmacHeader = Buffer.from(JSON.stringify({ alg: 'HS256', kid: issuer.keys[0].kid, typ: 'at+jwt' })).toString('base64url')
  const hmac = `${hmacHeader}.${payload}.${createHmac('sha256', publicPem).update(`${hmacHeader}.${payload}`).digest('base64url')}`
  const cases: Array<[string, string, RegExp]> = [
    ['expired', await token(issuer, { exp: now - CLOCK_TOLERANCE_S - 60 }), /has expired/],
    ['not yet valid', await token(issuer, { nbf: now + CLOCK_TOLERANCE_S + 600 }), /not valid yet/],
    ['for another audience', await token(issuer, { aud: 'https://other.example.com/mcp' }), /not issued for this service/],
    ['from another issuer', await token(issuer, { iss: 'https://evil.example.com' }), new RegExp(`not issued by ${issuer.url}`)],
    ['signed by a stranger with the same key id', await token(issuer, {}, stranger), /not valid/],
    ['tampered', tampered, /not valid/],
    ['alg none', unsecured, /not valid|asymmetric/],
    ['HMAC keyed with the public key', hmac, /asymmetric/],
    ['an unknown key id', await token(issuer, {}, await signingKey('unknown-key')), /a key the issuer does not publish/],
    ['not a JWT', 'opaque-token-1234', /not valid/],
    ['with no subject', await tokenWithClaims(issuer, { sub: undefined }), /names no subject/],
    ['with no expiry', await tokenWithClaims(issuer, { exp: undefined }), /has no expiry/],
    ['with a malformed iat', await tokenWithClaims(issuer, { iat: 'yesterday' }), /its iat claim is wrong/]
  ]
  for (const [name, bad, reason] of cases) {
    const res = await call(app, bad)
    t.equal(res.statusCode, 401, name)
    t.match(res.json().message, reason, name)
    t.match(res.headers['www-authenticate'], new RegExp('^Bearer error="invalid_token", error_description="(?:[^"\\\\]|\\\\.)+", ' +
      `resource_metadata="${METADATA}", scope="${SCOPE}"$`), `${name}: the challenge`)
  }
})

t.test('no token: 401 with the challenge that says where to start; a token without the scope: 403', async t => {
  const { issuer, app } = await setUp(t)
  const none = await call(app)
  t.equal(none.statusCode, 401)
  t.equal(none.headers['www-authenticate'], `Bearer resource_metadata="${METADATA}", scope="${SCOPE}"`)
  t.match(none.json().message, `This action needs sign-in: send an access token of ${issuer.url} as "Authorization: Bearer <token>"`)
  const narrow = await call(app, await token(issuer, { scope: 'openid' }))
  t.equal(narrow.statusCode, 403)
  t.match(
    narrow.headers['www-authenticate'],
    /^Bearer error="insufficient_scope", error_description="The access token lacks the scope tictactoe:play: sign in again granting it\.", resource_metadata=/
  )
  t.equal((await call(app, await token(issuer, { scope: undefined, scp: [SCOPE, 'other'] }))).statusCode, 200, 'scopes as scp, a list')

  const mcp = await app.inject({
    method: 'POST',
    url: '/mcp',
    headers: {
      accept: 'application/json, text/event-stream'
    },
    payload: { jsonrpc: '2.0', id: 1, method: 'tools/list' }
  })
  t.equal(mcp.statusCode, 401, 'the MCP door too')
  t.equal(mcp.headers['www-authenticate'], `Bearer resource_metadata="${METADATA}", scope="${SCOPE}"`)
  t.match(mcp.json(), { jsonrpc: '2.0', error: { code: -32000, message: /^This action needs sign-in/ } })
  for (const url of [
    '/',
    '/privacy',
    '/health',
    '/openapi.json',
    '/docs/',
    '/.well-known/oauth-protected-resource/mcp',
    '/.well-known/oauth-protected-resource'
  ]) {
    t.equal((await app.inject(url)).statusCode, 200, `${url} stays open`)
  }
})

t.test('a flood of tokens with unknown key ids fetches the keys a bounded number of times', async t => {
  const { issuer, app } = await setUp(t)
  await call(app, await token(issuer))
  const fetchesBefore = issuer.requests.get('/jwks') ?? 0
  const codes = []
  for (let i = 0; i < 50; i++) codes.push((await call(app, await token(issuer, {}, await signingKey(`garbage-${i}`)))).statusCode)
  t.same([...new Set(codes)], [401])
  const fetches = (issuer.requests.get('/jwks') ?? 0) - fetchesBefore
  t.ok(fetches <= 1, `${fetches} fetch of the key set for 50 unknown key ids`)
})

t.test(`a key the issuer publishes later is accepted once the keys' cooldown (${JWKS_COOLDOWN_MS / 1000} s) has passed`, async t => {
  const { issuer, app, clock } = await setUp(t)
  t.equal((await call(app, await token(issuer))).statusCode, 200)
  const next = await signingKey('key-2')
  issuer.publish([issuer.keys[0], next])
  const rotated = await token(issuer, {}, next)
  const fetchesBefore = issuer.requests.get('/jwks') ?? 0
  t.equal((await call(app, rotated)).statusCode, 401, 'within the cooldown, the keys are not fetched again')
  t.equal(issuer.requests.get('/jwks') ?? 0, fetchesBefore)
  clock.offset = JWKS_COOLDOWN_MS
  t.equal((await call(app, rotated)).statusCode, 200, 'after it, the new key is fetched and accepted')
  t.equal((await call(app, await token(issuer))).statusCode, 200, 'the old key still works while it is published')
})

t.test('an issuer that does not answer at start: one log line, 503 with a message, and it is asked again', async t => {
  const port = await freePort()
  const logs: Array<Record<string, unknown>> = []
  const clock = { offset: 0 }
  const app = await buildApp(t, { PUBLIC_URL, OAUTH_ISSUER: `http://127.0.0.1:${port}`, OAUTH_SCOPES: SCOPE }, { logs, now: () => Date.now() + clock.offset })
  await app.ready()
  const down = await call(app, 'any-token')
  t.equal(down.statusCode, 503)
  t.equal(down.headers['retry-after'], '5')
  t.equal(down.json().message, `Sign-in cannot be checked now: the authorization server http://127.0.0.1:${port} does not answer. Retry in a few seconds.`)
  for (let i = 0; i < 5; i++) await call(app, 'any-token')
  t.equal(logs.filter(line => String(line.msg).startsWith('sign-in: the issuer does not answer')).length, 1, 'one line, however many calls')
  t.notOk(logs.some(line => line.level === 50), 'no error line, no stack')

  const issuer = await startIssuer(t, { port, resource: RESOURCE })
  t.equal((await call(app, await token(issuer))).statusCode, 503, `not asked again within ${DISCOVERY_RETRY_MS / 1000} s of the last failure`)
  clock.offset = DISCOVERY_RETRY_MS
  t.equal((await call(app, await token(issuer))).statusCode, 200, 'asked again after: played')
  t.equal(logs.filter(line => line.msg === 'sign-in: the issuer answers again').length, 1)
})

t.test('with API_KEY and OAUTH_ISSUER both set, a call is let in with either', async t => {
  const KEY = 'a-very-secret-key-123'
  const { issuer, app } = await setUp(t, { API_KEY: KEY })
  t.equal((await call(app, KEY)).statusCode, 200, 'the key')
  t.equal((await call(app, await token(issuer))).statusCode, 200, 'a token')
  const neither = await call(app)
  t.equal(neither.statusCode, 401)
  t.match(neither.json().message, /, or the API key\.$/)
})

t.test('two signed-in players from one address each have their own allowance', async t => {
  const { issuer, app } = await setUp(t, { RATE_LIMIT_MAX: '2' })
  const [alice, bob] = [await token(issuer, { sub: 'alice' }), await token(issuer, { sub: 'bob' })]
  const codes = []
  for (const who of [alice, bob, alice, bob, alice, bob]) codes.push((await call(app, who)).statusCode)
  t.same(codes, [200, 200, 200, 200, 429, 429])
  t.equal((await call(app, await token(issuer, { sub: 'carol' }))).statusCode, 200, 'a third is a third player')
})

t.test('a fault in checking a token is a 500 with the request id, never a 401 that would send the client to sign in again', async t => {
  const { issuer, app, logs } = await setUp(t)
  const signIn = app.signIn as NonNullable<typeof app.signIn>
  signIn.verify = async () => { throw new Error('bug in the check') }
  const res = await call(app, await token(issuer))
  t.equal(res.statusCode, 500)
  t.notOk(res.headers['www-authenticate'])
  t.ok(logs.some(line => line.level === 50 && line.msg === 'request failed'))
})

/**
 * Discovery of the issuer, case by case, against small servers that answer as real ones can: the
 * OpenID form when RFC 8414's is missing, metadata that names another issuer or lacks its keys'
 * address, keys that cannot be fetched; each a 503 that says so, never a crash. The discovery
 * addresses follow RFC 8414 (the issuer's path after the well-known name) and OpenID's.
 */
import { createServer } from 'node:http'
import { once } from 'node:events'
import t, { type Test } from 'tap'
import { discoveryUrls, scopesIn } from '../../../../plugins/app/sign-in.js'
import { buildApp } from '../../../helper.js'
import { SCOPE, startIssuer } from '../../../oauth-issuer.js'
import { freePort } from '../../../process-helper.js'

const PUBLIC_URL = 'https://tictactoe.example.com'

/** A server that answers each path with the JSON given (404 for any other), after `delayMs`. */
async function serve (t: Test, pages: (base: string) => Record<string, unknown>, delayMs = 0): Promise<string> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const server = createServer((request, response) => {
    const page = pages(base)[request.url ?? '']
    setTimeout(() => {
      if (page === undefined) response.writeHead(404).end()
      else response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(page))
    }, delayMs)
  }).listen(port, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => server.close())
  return base
}

const play = async (app: Awaited<ReturnType<typeof buildApp>>) =>
  await app.inject({ url: '/human_move?ai_player=X', headers: { authorization: 'Bearer x.y.z' } })

t.test('where an issuer\'s metadata is looked for, with and without a path', async t => {
  t.same(discoveryUrls('https://tenant.example.com/'), [
    'https://tenant.example.com/.well-known/oauth-authorization-server',
    'https://tenant.example.com/.well-known/openid-configuration'
  ])
  t.same(discoveryUrls('https://login.example.com/realms/games'), [
    'https://login.example.com/.well-known/oauth-authorization-server/realms/games',
    'https://login.example.com/realms/games/.well-known/openid-configuration'
  ])
  t.same(scopesIn({ scope: 'a b  c' }), ['a', 'b', 'c'])
  t.same(scopesIn({ scp: 'a b' }), ['a', 'b'])
  t.same(scopesIn({ scp: ['a', 7, 'b'] }), ['a', 'b'])
  t.same(scopesIn({}), [])
})

t.test('OpenID discovery when RFC 8414\'s document is missing', async t => {
  const real = await startIssuer(t, { port: await freePort(), resource: `${PUBLIC_URL}/mcp` })
  const issuer = await serve(t, base => ({
    '/.well-known/openid-configuration': {
      issuer: base,
      authorization_endpoint: `${real.url}/auth`,
      token_endpoint: `${real.url}/token`,
      jwks_uri: `${real.url}/jwks`
    }
  }))
  const app = await buildApp(t, { PUBLIC_URL, OAUTH_ISSUER: issuer, OAUTH_SCOPES: SCOPE })
  const metadata = await app.signIn?.metadata()
  t.equal(metadata?.token_endpoint, `${real.url}/token`)
})

t.test('metadata that names another issuer, or lacks the keys\' address, is a 503 that says so', async t => {
  for (const [name, page] of [
    [
      'another issuer',
      { issuer: 'https://evil.example.com', authorization_endpoint: 'https://a/auth', token_endpoint: 'https://a/token', jwks_uri: 'https://a/jwks' }
    ],
    ['no jwks_uri', { authorization_endpoint: 'https://a/auth', token_endpoint: 'https://a/token' }]
  ] as const) {
    const issuer = await serve(t, base => ({ '/.well-known/oauth-authorization-server': { issuer: base, ...page } }))
    const logs: Array<Record<string, unknown>> = []
    const app = await buildApp(t, { PUBLIC_URL, OAUTH_ISSUER: issuer }, { logs })
    await app.ready()
    const res = await play(app)
    t.equal(res.statusCode, 503, name)
    t.match(res.json().message, /^Sign-in cannot be checked now/)
    t.ok(
      logs.some(line => String(line.msg).startsWith('sign-in: the issuer does not answer')),
      `${name}: said in the log`
    )
  }
})

t.test('keys that cannot be fetched: a 503 at both doors, with a message', async t => {
  const issuer = await serve(t, base => ({
    '/.well-known/oauth-authorization-server': {
      issuer: base,
      authorization_endpoint: `${base}/auth`,
      token_endpoint: `${base}/token`,
      jwks_uri: `${base}/missing-jwks`
    }
  }))
  const app = await buildApp(t, { PUBLIC_URL, OAUTH_ISSUER: issuer })
  const real = await startIssuer(t, { port: await freePort(), resource: `${PUBLIC_URL}/mcp` })
  const { SignJWT } = await import('jose')
  const key = real.keys[0]
  const token = await new SignJWT({ scope: SCOPE })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setIssuer(issuer)
    .setAudience(`${PUBLIC_URL}/mcp`)
    .setSubject('alice')
    .setExpirationTime('5m')
    .sign(key.privateKey)
  const http = await app.inject({ url: '/human_move?ai_player=X', headers: { authorization: `Bearer ${token}` } })
  t.equal(http.statusCode, 503)
  t.equal(http.headers['retry-after'], '5')
  const mcp = await app.inject({
    method: 'POST',
    url: '/mcp',
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json, text/event-stream'
    },
    payload: { jsonrpc: '2.0', id: 4, method: 'tools/list' }
  })
  t.equal(mcp.statusCode, 503)
  t.equal(mcp.headers['retry-after'], '5')
  t.match(mcp.json(), {
    jsonrpc: '2.0',
    error: { code: -32603, message: /^Sign-in cannot be checked now: the authorization server http:\/\/127\.0\.0\.1:\d+ does not answer\./ }
  })
})

t.test('calls that arrive while the issuer is still being asked share one request for its metadata', async t => {
  let asked = 0
  // Slow to answer, so every call below arrives while the one discovery is in flight.
  const issuer = await serve(t, base => {
    asked++
    return {
      '/.well-known/oauth-authorization-server': {
        issuer: base,
        authorization_endpoint: `${base}/auth`,
        token_endpoint: `${base}/token`,
        jwks_uri: `${base}/jwks`
      }
    }
  }, 300)
  const app = await buildApp(t, { PUBLIC_URL, OAUTH_ISSUER: issuer })
  const answers = await Promise.all(Array.from({ length: 5 }, async () => await app.signIn?.metadata()))
  t.equal(asked, 1, 'asked once for five calls')
  t.ok(answers.every(metadata => metadata?.token_endpoint === `${issuer}/token`), 'each call has the metadata')
})

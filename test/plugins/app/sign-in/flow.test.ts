/**
 * The whole sign-in, as an MCP client does it against a real authorization server (oidc-provider):
 * the 401 and its challenge, the protected resource metadata, the authorization server's metadata,
 * dynamic client registration, the authorization code with PKCE (S256), the token, tool calls in
 * each revision, and a refresh once the access token has expired. The signed-in subject is the
 * player: two of them from one address each get their own allowance.
 */
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client'
import t from 'tap'
import { CLOCK_TOLERANCE_S } from '../../../../plugins/app/sign-in.js'
import { buildApp } from '../../../helper.js'
import { SCOPE, startIssuer } from '../../../oauth-issuer.js'
import { freePort } from '../../../process-helper.js'
import { MemoryOAuthProvider, authorize } from '../../../oauth-client.js'

t.test('an MCP client signs in with the official SDK and plays, then refreshes its token', async t => {
  const [port, issuerPort] = [await freePort(), await freePort()]
  const publicUrl = `http://127.0.0.1:${port}`
  // The token the sign-in gives lives a minute; a refreshed one, an hour. The service's clock is
  // moved past the first one's end below, instead of waiting for it.
  const FIRST_TTL_S = 60
  const accessTokenTtl = (grant: string): number => grant === 'refresh_token' ? 3600 : FIRST_TTL_S
  const issuer = await startIssuer(t, { port: issuerPort, resource: `${publicUrl}/mcp`, accessTokenTtl })
  const logs: Array<Record<string, unknown>> = []
  const clock = { offset: 0 }
  const config = { PUBLIC_URL: publicUrl, OAUTH_ISSUER: issuer.url, OAUTH_SCOPES: SCOPE, RATE_LIMIT_MAX: '3' }
  const app = await buildApp(t, config, { logs, now: () => Date.now() + clock.offset })
  await app.listen({ host: '127.0.0.1', port })
  const endpoint = new URL(`${publicUrl}/mcp`)

  await app.signIn?.metadata()
  const metadataAsked = issuer.requests.get('/.well-known/oauth-authorization-server') ?? 0
  const oauth = new MemoryOAuthProvider()
  const first = new Client({ name: 'signed-in', version: '1.0.0' })
  await t.rejects(first.connect(new StreamableHTTPClientTransport(endpoint, { authProvider: oauth })), UnauthorizedError, 'the first call asks for sign-in')
  t.ok(oauth.authorizationUrl, 'the client found the authorization server from the 401')
  t.equal(oauth.authorizationUrl?.origin, issuer.url)
  t.equal(oauth.authorizationUrl?.searchParams.get('code_challenge_method'), 'S256')
  t.equal(oauth.authorizationUrl?.searchParams.get('resource'), endpoint.href)
  t.match(oauth.authorizationUrl?.searchParams.get('scope'), SCOPE)
  t.ok(oauth.clientInformation()?.client_id, 'registered dynamically')
  t.equal(issuer.requests.get('/.well-known/oauth-authorization-server'), metadataAsked + 1, 'the authorization server metadata, RFC 8414')

  const { url: callback } = await authorize(oauth.authorizationUrl as URL, 'alice')
  const transport = new StreamableHTTPClientTransport(endpoint, { authProvider: oauth })
  await transport.finishAuth(callback.searchParams)
  t.ok(oauth.tokens()?.access_token, 'an access token')
  t.ok(oauth.tokens()?.refresh_token, 'and a refresh token')

  for (const mode of ['legacy', { pin: '2026-07-28' }] as const) {
    const client = new Client({ name: 'signed-in', version: '1.0.0' }, { versionNegotiation: { mode } })
    await client.connect(new StreamableHTTPClientTransport(endpoint, { authProvider: oauth }))
    const result = await client.callTool({ name: 'play_move', arguments: { ai_player: 'X' } })
    t.equal(result.isError, undefined, `a move as alice (${typeof mode === 'string' ? '2025' : '2026-07-28'})`)
    await client.close()
  }
  const signedLines = logs.filter(line => line.route === '/human_move')
  t.ok(signedLines.every(line => typeof line.subject === 'string' && (line.subject as string).length === 12), 'the log carries a short hash of the subject')
  t.notOk(JSON.stringify(logs).includes('alice'), 'never the subject itself')

  // Past the access token's life and the clock skew allowed, the service refuses it, and the
  // client refreshes it by itself.
  const tokenBefore = oauth.tokens()?.access_token
  clock.offset = (FIRST_TTL_S + CLOCK_TOLERANCE_S + 1) * 1000
  const later = new Client({ name: 'signed-in', version: '1.0.0' })
  await later.connect(new StreamableHTTPClientTransport(endpoint, { authProvider: oauth }))
  const refreshed = await later.callTool({ name: 'play_move', arguments: { ai_player: 'X' } })
  t.equal(refreshed.isError, undefined, 'played after a refresh')
  t.not(oauth.tokens()?.access_token, tokenBefore, 'with a new access token')
  await later.close()
})

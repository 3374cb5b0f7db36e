/** The protected resource metadata (RFC 9728): where an OAuth client learns who issues this service's tokens. */
import t from 'tap'
import { buildApp } from '../../helper.js'
import { SCOPE, startIssuer } from '../../oauth-issuer.js'
import { freePort } from '../../process-helper.js'

const PUBLIC_URL = 'https://tictactoe.example.com'
const RESOURCE = `${PUBLIC_URL}/mcp`

t.test('at the MCP form and the root form, open to every origin, kept an hour', async t => {
  const issuer = await startIssuer(t, { port: await freePort(), resource: RESOURCE })
  const app = await buildApp(t, { PUBLIC_URL, OAUTH_ISSUER: issuer.url, OAUTH_SCOPES: SCOPE })
  for (const url of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
    const res = await app.inject(url)
    t.same(res.json(), {
      resource: RESOURCE,
      authorization_servers: [issuer.url],
      scopes_supported: [SCOPE],
      bearer_methods_supported: ['header'],
      resource_name: 'Tic-tac-toe opponent',
      resource_documentation: `${PUBLIC_URL}/`
    }, url)
    t.equal(res.headers['access-control-allow-origin'], '*', 'browser-based clients read it')
    t.equal(res.headers['cache-control'], 'public, max-age=3600')
  }
})

t.test('none without OAUTH_ISSUER', async t => {
  const app = await buildApp(t)
  t.equal((await app.inject('/.well-known/oauth-protected-resource/mcp')).statusCode, 404)
})

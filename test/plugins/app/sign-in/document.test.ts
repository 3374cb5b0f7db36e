/**
 * With sign-in, what a GPT builder imports: the document's one security scheme is OAuth's
 * authorization-code flow at the issuer's own endpoints, applied to the actions; it validates with
 * the independent OpenAPI 3.1 validator and passes the GPT editor's rules (check:gpt's), and the
 * setup page shows the editor's OAuth fields. While the issuer does not answer, the document says so.
 */
import { Validator } from '@seriousme/openapi-schema-validator'
import t from 'tap'
import { checkGptRules } from '../../../../scripts/gpt-rules.js'
import { buildApp } from '../../../helper.js'
import { SCOPE, startIssuer } from '../../../oauth-issuer.js'
import { freePort } from '../../../process-helper.js'

const PUBLIC_URL = 'https://tictactoe.example.com'

t.test('the document declares OAuth at the issuer\'s endpoints, and passes the editor\'s rules', async t => {
  const issuer = await startIssuer(t, { port: await freePort(), resource: `${PUBLIC_URL}/mcp` })
  const app = await buildApp(t, { PUBLIC_URL, OAUTH_ISSUER: issuer.url, OAUTH_SCOPES: SCOPE, API_KEY: 'a-very-secret-key-123' })
  const document = (await app.inject('/openapi.json')).json()
  t.same(document.components.securitySchemes, {
    oauth2: {
      type: 'oauth2',
      description: `Sign in with ${issuer.url}.`,
      flows: {
        authorizationCode: {
          authorizationUrl: `${issuer.url}/auth`,
          tokenUrl: `${issuer.url}/token`,
          scopes: {
            [SCOPE]: `Play tic-tac-toe (${SCOPE}).`
          }
        }
      }
    }
  }, 'one scheme: OAuth (the API key keeps working, but the editor takes one scheme)')
  t.same(document.security, [{ oauth2: [SCOPE] }])
  const rules = checkGptRules(document)
  const problems = rules.flatMap(rule => rule.problems)
  // The test's issuer is on loopback http: the only problems are the two that a deployment's https issuer has not.
  t.same(problems, [
    `the OAuth scheme oauth2 has authorizationUrl "${issuer.url}/auth"; the editor needs an https URL`,
    `the OAuth scheme oauth2 has tokenUrl "${issuer.url}/token"; the editor needs an https URL`
  ])
  const https = structuredClone(document)
  https.components.securitySchemes.oauth2.flows.authorizationCode.authorizationUrl = 'https://issuer.example.com/authorize'
  https.components.securitySchemes.oauth2.flows.authorizationCode.tokenUrl = 'https://issuer.example.com/oauth/token'
  t.same(checkGptRules(https).flatMap(rule => rule.problems), [], 'with https endpoints, every rule holds')
  const validation = await new Validator().validate(structuredClone(document))
  t.ok(validation.valid, `valid OpenAPI 3.1 (${JSON.stringify(validation.errors)})`)
  const yaml = await app.inject('/openapi.yaml')
  t.match(yaml.body, 'authorizationCode:')

  const setup = await app.inject('/')
  for (const field of [
    `${issuer.url}/auth`,
    `${issuer.url}/token`,
    SCOPE,
    'Token Exchange Method',
    'Authorization URL',
    'Token URL',
    'Client ID',
    'callback URL'
  ]) { t.match(setup.body, field, field) }
  const json = (await app.inject({ url: '/', headers: { accept: 'application/json' } })).json()
  t.match(json.auth, { type: 'oauth2', authorization_url: `${issuer.url}/auth`, token_url: `${issuer.url}/token`, scope: SCOPE })
})

t.test('while the issuer does not answer, the document and the setup page say so (503)', async t => {
  const app = await buildApp(t, { PUBLIC_URL, OAUTH_ISSUER: `http://127.0.0.1:${await freePort()}` })
  for (const url of ['/openapi.json', '/']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 503, url)
    t.match(
      res.json().message,
      /^Sign-in cannot be checked now: the authorization server http:\/\/127\.0\.0\.1:\d+ does not answer\. Retry in a few seconds\.$/
    )
  }
  t.equal((await app.inject('/health')).statusCode, 200, '/health stays up')
  t.equal((await app.inject('/privacy')).statusCode, 200)
})

t.test('gpt rules: an OAuth scheme other than the authorization code is flagged', async t => {
  const rule = (scheme: unknown) =>
    checkGptRules({ openapi: '3.1.0', servers: [{ url: 'https://a.example.com' }], paths: {}, components: { securitySchemes: { o: scheme } } }).find(one =>
      one.rule.startsWith('an OAuth scheme')
    )?.problems
  t.same(rule({ type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://a.example.com/t', scopes: {} } } }), ['the OAuth scheme o has no ' +
    'authorizationCode flow; the GPT editor offers only the authorization code'])
  t.same(
    rule({ type: 'oauth2', flows: { authorizationCode: { authorizationUrl: 'https://a.example.com/a', tokenUrl: 'https://a.example.com/t' }, implicit: {} } }),
    ['the OAuth scheme o also has the implicit flow, which the editor ignores', 'the OAuth scheme o has no scopes object']
  )
  t.same(rule({ type: 'http', scheme: 'bearer' }), [])
  t.same(rule({ type: 'oauth2' }), ['the OAuth scheme o has no authorizationCode flow; the GPT editor offers only the authorization code'])
})

t.test('the token exchange method the editor is told follows what the issuer takes', async t => {
  const { tokenExchangeMethod } = await import('../../../../routes/pages/setup-page.js')
  t.equal(tokenExchangeMethod(undefined), 'Default (POST request)', 'RFC 8414: client_secret_basic by default, and the editor\'s default posts')
  t.equal(tokenExchangeMethod(['client_secret_basic', 'client_secret_post']), 'Default (POST request)')
  t.equal(tokenExchangeMethod(['client_secret_basic', 'private_key_jwt']), 'Basic authorization header')
})

t.test('with no scope asked, the setup page says so', async t => {
  const issuer = await startIssuer(t, { port: await freePort(), resource: `${PUBLIC_URL}/mcp` })
  const app = await buildApp(t, { PUBLIC_URL, OAUTH_ISSUER: issuer.url })
  t.match((await app.inject('/')).body, '(none)')
  t.same((await app.inject('/openapi.json')).json().security, [{ oauth2: [] }])
})

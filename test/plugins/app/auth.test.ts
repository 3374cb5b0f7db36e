/** The API key, when API_KEY is set: the action needs it as a bearer token; pages, health and the document stay open. */
import t from 'tap'
import { buildApp } from '../../helper.js'

const KEY = 'a-very-secret-key-123'
const MOVE = '/human_move?position_1=X'

t.test('with API_KEY, the action needs the bearer key; the pages stay open', async t => {
  const app = await buildApp(t, { API_KEY: KEY })
  const missing = await app.inject(MOVE)
  t.equal(missing.statusCode, 401)
  t.equal(missing.headers['www-authenticate'], 'Bearer realm="tic-tac-toe"')
  t.same(missing.json(), {
    statusCode: 401,
    error: 'Unauthorized',
    message: 'This action needs an API key: send the header "Authorization: Bearer <API key>" (in the GPT editor: Authentication, API Key, Auth Type Bearer).'
  })
  const wrong = await app.inject({ url: MOVE, headers: { authorization: `Bearer ${KEY}x` } })
  t.equal(wrong.statusCode, 401)
  t.same(wrong.json().message, 'The API key is not valid: check the key set in the GPT editor (Authentication, API Key, Auth Type Bearer).')
  t.equal((await app.inject({ url: MOVE, headers: { authorization: `Basic ${KEY}` } })).statusCode, 401, 'only the bearer scheme')
  t.equal((await app.inject({ url: MOVE, headers: { authorization: KEY } })).statusCode, 401)
  t.equal((await app.inject({ url: MOVE, headers: { authorization: `Bearer ${KEY}` } })).statusCode, 200)
  t.equal((await app.inject({ url: MOVE, headers: { authorization: `bearer  ${KEY}` } })).statusCode, 200, 'the scheme is case-insensitive')
  for (const url of ['/', '/privacy', '/health', '/openapi.json', '/openapi.yaml', '/docs/']) {
    t.equal((await app.inject(url)).statusCode, 200, `${url} is open`)
  }
})

t.test('without API_KEY the action is open, as before', async t => {
  const app = await buildApp(t)
  t.equal((await app.inject(MOVE)).statusCode, 200)
  t.equal((await app.inject({ url: MOVE, headers: { authorization: 'Bearer anything' } })).statusCode, 200)
})

import t from 'tap'
import { parse } from 'yaml'
import { checkGptRules } from '../../../scripts/gpt-rules.js'
import { buildApp } from '../../helper.js'

const PUBLIC = { PUBLIC_URL: 'https://tictactoe.example.com' }

t.test('the document meets every rule of the GPT editor', async t => {
  const app = await buildApp(t, PUBLIC)
  const res = await app.inject('/openapi.json')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  for (const { rule, problems } of checkGptRules(res.json())) t.same(problems, [], rule)
})

t.test('the document holds only the actions, with the fields a GPT needs', async t => {
  const app = await buildApp(t, PUBLIC)
  const document = (await app.inject('/openapi.json')).json()
  t.equal(document.openapi, '3.1.0')
  t.same(document.servers, [{ url: 'https://tictactoe.example.com' }])
  t.same(Object.keys(document.paths), [...new Set(app.actions.map(action => action.url))], 'every action, and nothing else')
  for (const action of app.actions) {
    t.match(document.paths[action.url][action.method.toLowerCase()], {
      operationId: action.operationId, summary: action.title, description: action.description, 'x-openai-isConsequential': action.consequential
    })
  }
  const operation = document.paths['/human_move'].get
  t.equal(operation.operationId, 'humanMove')
  t.equal(operation['x-openai-isConsequential'], false)
  t.same(operation.parameters.map((p: { name: string }) => p.name), [
    'position_1', 'position_2', 'position_3', 'position_4', 'position_5', 'position_6', 'position_7', 'position_8', 'position_9',
    'human_position', 'ai_player', 'difficulty'])
  t.ok(operation.parameters.every((p: { in: string, description: string }) => p.in === 'query' && p.description.length > 20))
  t.same(operation.parameters[0].schema.enum, ['X', 'O', ''])
  t.same(Object.keys(operation.responses), ['200', '400'])
  t.equal(document.components.securitySchemes, undefined, 'no auth without API_KEY')
  t.equal(document.security, undefined)
})

t.test('with API_KEY the document declares exactly one bearer scheme for the actions', async t => {
  const app = await buildApp(t, { ...PUBLIC, API_KEY: 'a-very-secret-key-123' })
  const document = (await app.inject('/openapi.json')).json()
  t.same(document.components.securitySchemes, { bearerAuth: { type: 'http', scheme: 'bearer' } })
  t.same(document.security, [{ bearerAuth: [] }])
  for (const { rule, problems } of checkGptRules(document)) t.same(problems, [], rule)
  t.notMatch(JSON.stringify(document), 'a-very-secret-key-123')
})

t.test('without PUBLIC_URL the server is the address the caller used, proxies included', async t => {
  const app = await buildApp(t)
  const serverOf = async (headers: Record<string, string>): Promise<string> =>
    (await app.inject({ url: '/openapi.json', headers })).json().servers[0].url
  t.equal(await serverOf({ host: 'localhost:3000' }), 'http://localhost:3000')
  t.equal(await serverOf({ host: 'internal:8080', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'Game.Example.com' }), 'https://game.example.com')
  t.equal(await serverOf({ host: 'game.example.com', 'x-forwarded-proto': 'https,http' }), 'https://game.example.com')
  t.equal(await serverOf({ host: 'game.example.com', 'x-forwarded-host': '' }), 'http://game.example.com', 'an empty forwarded header is ignored')
  const bad = await app.inject({ url: '/openapi.json', headers: { host: 'a b' } })
  t.equal(bad.statusCode, 400)
  t.same(bad.json(), { statusCode: 400, error: 'Bad Request', message: 'The host "a b" is not a host name: call with a valid Host header, or set PUBLIC_URL.' })
})

t.test('the YAML document is the same document', async t => {
  const app = await buildApp(t, PUBLIC)
  const yaml = await app.inject('/openapi.yaml')
  t.equal(yaml.statusCode, 200)
  t.match(yaml.headers['content-type'], /^application\/yaml/)
  t.same(parse(yaml.body), (await app.inject('/openapi.json')).json())
})

t.test('Swagger UI is served at /docs', async t => {
  const app = await buildApp(t)
  const res = await app.inject('/docs/')
  t.equal(res.statusCode, 200)
  t.match(res.body, 'swagger-ui')
})

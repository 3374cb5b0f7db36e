/**
 * The contract every action keeps, checked for each registered action (a new folder is checked
 * with no new test): its schema's examples make a call that both doors answer, and the answers
 * match the schemas the doors publish. An action without working examples fails here.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import type { TSchema } from '@sinclair/typebox'
import { Type } from '@sinclair/typebox'
import { Ajv } from 'ajv'
import t from 'tap'
import { type Action, actionOf, snakeCase } from '../../../plugins/app/actions.js'
import { buildApp } from '../../helper.js'

/** The call an action's schema proposes: the first example of each parameter. */
function exampleCall (action: Action): Record<string, unknown> {
  const properties = action.input.properties as Record<string, TSchema>
  return Object.fromEntries(Object.entries(properties)
    .filter(([, schema]) => Array.isArray(schema.examples))
    .map(([name, schema]) => [name, (schema.examples as unknown[])[0]]))
}

const ajv = new Ajv({ strict: false })

t.test('every action answers its own examples at both doors, within its schemas', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '1000' })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const client = new Client({ name: 'contract-test', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL(`${address}/mcp`)))
  t.teardown(() => client.close())
  const { tools } = await client.listTools()
  t.same(tools.map(tool => tool.name).sort(), app.actions.map(action => action.toolName).sort(), 'one tool per action, and no other')
  t.ok(app.actions.some(action => action.toolName === 'play_move'), 'the game is among them')

  for (const action of app.actions) {
    const args = exampleCall(action)
    const required = (action.input.required ?? []) as string[]
    t.same(required.filter(name => !(name in args)), [], `${action.operationId}: an example for each required parameter`)
    t.notSame(args, {}, `${action.operationId} carries examples`)
    const checkInput = ajv.compile(JSON.parse(JSON.stringify(action.input)))
    t.ok(checkInput(args), `${action.operationId}: its examples make a valid input ${ajv.errorsText(checkInput.errors)}`)
    const http = await app.inject(action.inputIn === 'query'
      ? { method: action.method, url: action.url, query: Object.fromEntries(Object.entries(args).map(([name, value]) => [name, String(value)])) }
      : { method: action.method, url: action.url, payload: args })
    t.equal(http.statusCode, 200, `${action.method} ${action.url} answers its examples: ${http.body.slice(0, 200)}`)
    const checkHttp = ajv.compile(JSON.parse(JSON.stringify(action.output)))
    t.ok(checkHttp(http.json()), `${action.operationId}: the HTTP answer matches the 200 schema ${ajv.errorsText(checkHttp.errors)}`)

    const result = await client.callTool({ name: action.toolName, arguments: args })
    t.equal(result.isError, undefined, `${action.toolName} answers its examples`)
    const tool = tools.find(one => one.name === action.toolName)
    const checkMcp = ajv.compile(tool?.outputSchema as object)
    t.ok(checkMcp(result.structuredContent), `${action.toolName}: structuredContent matches the tool's output schema ${ajv.errorsText(checkMcp.errors)}`)
    t.equal((result.content as Array<{ type: string }>)[0].type, 'text', 'and a text for models that read only text')
  }
})

t.test('an action says what its definition lacks, at start', async t => {
  const complete = {
    operationId: 'rollDie',
    summary: 'Roll a die',
    description: 'Rolls a die.',
    'x-openai-isConsequential': false,
    querystring: Type.Object({}),
    response: { 200: Type.Object({}) }
  }
  const definition = (schema: Record<string, unknown>) => ({ method: 'GET', url: '/roll_die', schema, handler: () => ({}) }) as any
  t.match(actionOf(definition(complete)), { toolName: 'roll_die', inputIn: 'query', consequential: false, prompts: [] })
  t.match(actionOf({ ...definition({ ...complete, querystring: undefined, body: complete.querystring }), method: 'POST' }), { method: 'POST', inputIn: 'body' })
  for (const field of ['operationId', 'summary', 'description', 'x-openai-isConsequential']) {
    t.throws(() => actionOf(definition({ ...complete, [field]: undefined })), { message: `The action GET /roll_die needs schema.${field}.` })
  }
  t.throws(() => actionOf(definition({ ...complete, querystring: undefined })), {
    message: 'The action GET /roll_die needs an object schema with its properties for its querystring or body.'
  })
  t.throws(() => actionOf(definition({ ...complete, querystring: { type: 'object' } })), {
    message: 'The action GET /roll_die needs an object schema with its properties for its querystring or body.'
  }, 'the GPT editor and the tool need the names')
  t.throws(() => actionOf(definition({ ...complete, response: { 400: {} } })), {
    message: 'The action GET /roll_die needs an object schema for its 200 response.'
  })
  t.throws(() => actionOf(definition({ ...complete, response: undefined })), {
    message: 'The action GET /roll_die needs an object schema for its 200 response.'
  })
  t.throws(() => actionOf({ ...definition(complete), schema: undefined }), { message: 'The action GET /roll_die needs schema.operationId.' })
  t.match(actionOf(definition(complete)).status, { invoking: 'Calling roll_die…', invoked: 'roll_die answered' }, 'status lines by default')
  const long = 'Rolling the die with every one of its sides in turn, slowly and with care…'
  t.throws(() => actionOf({ ...definition(complete), status: { invoking: long, invoked: 'Rolled' } }),
    { message: `The action GET /roll_die has a status line (invoking) of ${long.length} characters: chat hosts show at most 64.` })

  // Registered beside the app's own actions under names no one's action takes (a new folder under
  // routes/ must never break this test).
  const app = await buildApp(t)
  const throwaway = { ...definition({ ...complete, operationId: 'testOnlyRollDie' }), url: '/test_only_roll_die' }
  app.action(throwaway)
  t.throws(() => app.action({ ...throwaway, url: '/test_only_roll_again', tool: 'test_only_other' }),
    { message: 'The action GET /test_only_roll_again has the same name as GET /test_only_roll_die: give it another operationId.' })
  await app.ready()
  t.equal(app.actions.filter(action => action.url.startsWith('/test_only_')).length, 1, 'one action, though Fastify adds a HEAD route beside each GET')
  t.ok(app.hasRoute({ method: 'HEAD', url: '/test_only_roll_die' }))
})

t.test('tool names from operationIds', async t => {
  t.equal(snakeCase('humanMove'), 'human_move')
  t.equal(snakeCase('rollDie2Times'), 'roll_die2_times')
  t.equal(snakeCase('get-score now'), 'get_score_now')
})

t.test('an action whose handler fails: 500 with the request id at both doors, logged once at error, nothing leaked', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, {}, { logs })
  app.action({
    method: 'POST',
    url: '/flaky',
    schema: {
      operationId: 'flakyCall',
      summary: 'Fail',
      description: 'Always fails.',
      'x-openai-isConsequential': false,
      body: Type.Object({ word: Type.String() }),
      response: { 200: Type.Object({}) }
    },
    handler: () => { throw new Error('secret internal detail') }
  })
  const http = await app.inject({ method: 'POST', url: '/flaky', payload: { word: 'x' } })
  t.equal(http.statusCode, 500)
  t.match(http.json(), {
    statusCode: 500,
    error: 'Internal Server Error',
    message: /^Something went wrong on the server; try again\. If it keeps failing, report request id [0-9a-f-]{36}\.$/
  })
  t.notOk('code' in http.json())
  const mcp = await app.inject({
    method: 'POST',
    url: '/mcp',
    headers: {
      accept: 'application/json, text/event-stream'
    },
    payload: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'flaky_call', arguments: { word: 'x' } } }
  })
  const result = mcp.json().result
  t.equal(result.isError, true)
  const id = /report request id ([0-9a-f-]{36})\.$/.exec(result.content[0].text)?.[1]
  const failures = logs.filter(line => line.msg === 'request failed')
  t.equal(failures.length, 2, 'one line each')
  t.ok(failures.some(line => line.reqId === id && line.level === 50), 'the tool call\'s line names the id its answer gives')
  t.notMatch(http.body + mcp.body, 'secret internal detail')

  const noBody = await app.inject({ method: 'POST', url: '/flaky' })
  t.equal(noBody.statusCode, 400, 'a body action called with no body')
  t.equal(noBody.json().message, 'word must have required property \'word\'. See /openapi.json for the parameters.')
})

/**
 * The one pipeline an action call runs, whichever door: the allowance, then the input, then the
 * action, each step's refusal as an outcome; a call inside another request, logged and counted as its
 * own. A handler's failure is test/plugins/app/actions.test.ts's;
 * the doors agreeing on every answer, test/routes/mcp/doors.test.ts's.
 */
import { Type } from '@sinclair/typebox'
import t from 'tap'
import { Refusal } from '../../../lib/errors.js'
import type { Caller } from '../../../plugins/app/caller.js'
import { freePort } from '../../process-helper.js'
import { buildApp } from '../../helper.js'

/** An app with a throwaway action (a name no user would give one) that records what its handler is handed. */
async function withEcho (env: Record<string, string> = {}) {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '2', ...env })
  const handed: Array<{ word: string, door: string, caller: Caller }> = []
  app.action({
    method: 'GET',
    url: '/test_only_echo',
    schema: {
      operationId: 'testOnlyEcho',
      summary: 'Echo',
      description: 'Says a word back.',
      'x-openai-isConsequential': false,
      querystring: Type.Object({ word: Type.String({ minLength: 1, examples: ['hi'] }) }),
      response: { 200: Type.Object({ word: Type.String() }) }
    },
    normalize: (input: Record<string, unknown>) => input.word === 'shout' ? 'word must be said, not shouted.' : null,
    handler: (input: { word: string }, { door, caller }: { door: string, caller: Caller }) => {
      handed.push({ word: input.word, door, caller })
      return input.word === 'no' ? new Refusal(409, 'The echo will not say no.', 'echo_refused') : { word: input.word }
    }
  } as any)
  const call = async (word: string | undefined) => await app.inject(`/test_only_echo${word === undefined ? '' : `?word=${word}`}`)
  return { app, handed, call }
}

t.test('an answered call: the handler gets the checked input, its door and its caller; its answer is the 200', async t => {
  const { handed, call } = await withEcho()
  const res = await call('hi')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { word: 'hi' })
  t.match(handed, [{ word: 'hi', door: 'http', caller: { kind: 'address', address: '127.0.0.1' } }])
})

t.test('the input: normalized, then checked against the schema, before the action runs', async t => {
  const { handed, call } = await withEcho()
  const shouted = await call('shout')
  t.equal(shouted.statusCode, 400)
  t.same(shouted.json(), {
    statusCode: 400, error: 'Bad Request', code: 'invalid_parameter', message: 'word must be said, not shouted. See /openapi.json for the parameters.'
  })
  const missing = await call(undefined)
  t.equal(missing.statusCode, 400)
  t.match(missing.json().message, /word/)
  t.same(handed, [], 'the handler never ran')
})

t.test('the allowance comes first: past it, even a call with a broken input is a 429', async t => {
  const { handed, call } = await withEcho()
  t.same([(await call('hi')).statusCode, (await call('hi')).statusCode], [200, 200])
  const past = await call(undefined)
  t.equal(past.statusCode, 429)
  t.match(past.headers, { 'retry-after': /^\d+$/ })
  t.equal(handed.length, 2)
})

t.test('a handler\'s refusal is answered as it says, with its code', async t => {
  const { call } = await withEcho()
  const res = await call('no')
  t.equal(res.statusCode, 409)
  t.same(res.json(), { statusCode: 409, error: 'Conflict', code: 'echo_refused', message: 'The echo will not say no.' })
})

t.test('a call inside another request: an id, a log line and route metrics of its own, naming the request that carried it', async t => {
  const logs: Array<Record<string, unknown>> = []
  const metricsPort = await freePort()
  const app = await buildApp(t, { METRICS_PORT: String(metricsPort), RATE_LIMIT_MAX: '100' }, { logs })
  // A throwaway route (a name no user would give one) that runs play_move as a call of its own, as a tool call is run.
  app.get('/test_only_carrier', async request => {
    const action = app.actions.find(one => one.toolName === 'play_move')
    if (action === undefined) throw new Error('no play_move action')
    const outcome = await app.runCall(action, request, { ai_player: 'X' }, 'mcp')
    return { statusCode: outcome.statusCode }
  })
  const res = await app.inject('/test_only_carrier')
  t.same(res.json(), { statusCode: 200 })
  const carrier = logs.find(line => line.route === '/test_only_carrier')
  const call = logs.find(line => line.route === '/human_move')
  t.match(call, { msg: 'request', method: 'GET', statusCode: 200, mcpReqId: carrier?.reqId }, 'the call\'s line names the request that carried it')
  t.not(call?.reqId, carrier?.reqId, 'with an id of its own')
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()
  t.match(metrics, /http_request_duration_seconds_count\{method="GET",route="\/human_move",status_code="200"\} 1/, 'counted as its route')
})

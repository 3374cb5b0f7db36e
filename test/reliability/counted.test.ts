/**
 * Every answer counts against its caller's allowance: at /mcp a body that is not JSON, an empty
 * one, one too large, of another type or compressed, a method /mcp does not take, and a 404
 * anywhere all reach 429 once the allowance is spent, as the door's own messages do. At /mcp the
 * player is named by the message's _meta alone: the GPT's header spends nobody's moves there. An
 * allowance is chosen by who calls, not by what its key holds.
 */
import t from 'tap'
import { buildApp } from '../helper.js'

const ADDRESS = '198.51.100.30'
const MAX = 1
/** The open allowance: ten times RATE_LIMIT_MAX. */
const OPEN = MAX * 10

type App = Awaited<ReturnType<typeof buildApp>>
const MCP_ACCEPT = 'application/json, text/event-stream'
const JSON_HEADERS = { 'content-type': 'application/json', accept: MCP_ACCEPT }

type Answer = { statusCode: number, headers: Record<string, unknown>, json: () => any }
const refusals: Record<string, { status: number, send: (app: App) => Promise<Answer> }> = {
  'a body that is not JSON': {
    status: 400,
    send: async app => await app.inject({ method: 'POST', url: '/mcp', remoteAddress: ADDRESS, headers: JSON_HEADERS, payload: '{"jsonrpc":' })
  },
  'an empty body': {
    status: 400,
    send: async app => await app.inject({ method: 'POST', url: '/mcp', remoteAddress: ADDRESS, headers: JSON_HEADERS, payload: '' })
  },
  'a body too large (413)': {
    status: 413,
    send: async app => await app.inject({
      method: 'POST', url: '/mcp', remoteAddress: ADDRESS, headers: JSON_HEADERS, payload: `"${'x'.repeat(70_000)}"`
    })
  },
  'another content type (415)': {
    status: 415,
    send: async app =>
      await app.inject({ method: 'POST', url: '/mcp', remoteAddress: ADDRESS, headers: { ...JSON_HEADERS, 'content-type': 'text/xml' }, payload: '<a/>' })
  },
  'a compressed body (415)': {
    status: 415,
    send: async app => await app.inject({
      method: 'POST',
      url: '/mcp',
      remoteAddress: ADDRESS,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', accept: MCP_ACCEPT },
      payload: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
    })
  },
  'a method /mcp does not take (405)': { status: 405, send: async app => await app.inject({ method: 'PUT', url: '/mcp', remoteAddress: ADDRESS }) },
  'a path that does not exist (404)': { status: 404, send: async app => await app.inject({ url: '/no/such/path', remoteAddress: ADDRESS }) }
}

for (const [what, { status, send }] of Object.entries(refusals)) {
  t.test(`${what}: counted, and 429 once the caller's allowance is spent`, async t => {
    const app = await buildApp(t, { RATE_LIMIT_MAX: String(MAX) })
    const answers = []
    for (let i = 0; i < OPEN + 2; i++) answers.push((await send(app)).statusCode)
    t.same(answers, [...Array(OPEN).fill(status), 429, 429], `${OPEN} answered as ${status}, then 429`)
    const limited = await send(app)
    t.match(limited.headers['retry-after'], /^\d+$/)
    const message = limited.json().message ?? limited.json().error.message
    t.match(message, /^Too many calls: at most 10 a minute per client\. Wait \d+ seconds, then try again\.$/)
    const tools = await app.inject({
      method: 'POST', url: '/mcp', remoteAddress: ADDRESS, headers: { accept: MCP_ACCEPT }, payload: { jsonrpc: '2.0', id: 1, method: 'tools/list' }
    })
    t.equal(tools.statusCode, 429, 'the same allowance as the door\'s messages')
    const elsewhere = await send(app)
    t.equal(elsewhere.statusCode, 429)
    t.equal((await app.inject({ url: '/no/such/path', remoteAddress: '198.51.100.31' })).statusCode, 404, 'another address is not affected')
  })
}

t.test('at /mcp the GPT\'s header names no one: a tool call carrying it spends the address\'s moves, not the player\'s', async t => {
  const TRUSTED = '203.0.113.7'
  const app = await buildApp(t, { RATE_LIMIT_MAX: '2', TRUSTED_NETWORKS: '203.0.113.0/24', TRUSTED_ADDRESS_MAX: '3' })
  const toolCall = async () => await app.inject({
    method: 'POST',
    url: '/mcp',
    remoteAddress: TRUSTED,
    headers: { accept: MCP_ACCEPT, 'openai-ephemeral-user-id': 'victim' },
    payload: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'play_move', arguments: { ai_player: 'X' } } }
  })
  const texts = []
  for (let i = 0; i < 4; i++) texts.push((await toolCall()).json().result.content[0].text as string)
  t.notMatch(texts[2], /^Too many calls/, 'past the player\'s two: the address\'s three')
  t.match(texts[3], /^Too many calls: at most 3 a minute for everyone calling from this address without signing in\./)
  const gpt = await app.inject({ url: '/human_move?ai_player=X', remoteAddress: TRUSTED, headers: { 'openai-ephemeral-user-id': 'victim' } })
  t.equal(gpt.statusCode, 200, 'the named player\'s own moves are untouched at the GPT door')
})

t.test('an id holding "shared:" is one player, not an address\'s many', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '2', TRUSTED_NETWORKS: '203.0.113.0/24', TRUSTED_ADDRESS_MAX: '50' })
  const statuses = []
  for (let i = 0; i < 3; i++) {
    const headers = { 'openai-ephemeral-user-id': 'shared:203.0.113.7' }
    statuses.push((await app.inject({ url: '/human_move?ai_player=X', remoteAddress: ADDRESS, headers })).statusCode)
  }
  t.same(statuses, [200, 200, 429], 'the player\'s two, then 429')
})

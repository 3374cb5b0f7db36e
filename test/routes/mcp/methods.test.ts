/**
 * The methods' answers, as raw JSON-RPC over POST /mcp: what each says when it is asked for
 * something that is not there, a tool call's own refusals as tool results, and a method of the
 * other revision pointed to it. The official clients' view of the same is test/routes/mcp/index.test.ts.
 */
import t from 'tap'
import { buildApp } from '../../helper.js'

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
const ENVELOPE = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} }

async function doorOf () {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '1000' })
  /** A 2025 request (no envelope), answered. */
  const legacy = async (method: string, params: Record<string, unknown> = {}) => {
    const res = await app.inject({ method: 'POST', url: '/mcp', headers: HEADERS, payload: { jsonrpc: '2.0', id: 1, method, params } })
    return { status: res.statusCode, body: res.json() }
  }
  /** A 2026-07-28 request, with its envelope and headers. */
  const modern = async (method: string, params: Record<string, unknown> = {}) => {
    const res = await app.inject({
      method: 'POST',
      url: '/mcp',
      headers: {
        ...HEADERS,
        'mcp-protocol-version': '2026-07-28',
        'mcp-method': method,
        ...(typeof params.name === 'string' ? { 'mcp-name': params.name } : {})
      },
      payload: { jsonrpc: '2.0', id: 1, method, params: { ...params, _meta: ENVELOPE } }
    })
    return { status: res.statusCode, body: res.json() }
  }
  return { legacy, modern }
}

t.test('what is not there is a -32602 that lists what is', async t => {
  const { legacy } = await doorOf()
  t.match((await legacy('tools/call', { name: 'play_chess', arguments: {} })).body.error,
    { code: -32602, message: /^There is no tool "play_chess"; the tools are .*play_move/ })
  t.match((await legacy('prompts/get', { name: 'chess' })).body.error, { code: -32602, message: /^There is no prompt "chess"; the prompts are .*play_tictactoe/ })
  t.same((await legacy('resources/read', { uri: 'ui://nothing' })).body.error,
    { code: -32602, message: 'Resource not found: ui://nothing', data: { uri: 'ui://nothing' } })
})

t.test('a tool call the action refuses is a tool result with isError, pointing to the tool\'s schema', async t => {
  const { legacy } = await doorOf()
  const unknown = (await legacy('tools/call', { name: 'play_move', arguments: { colour: 'red' } })).body.result
  t.equal(unknown.isError, true)
  t.match(unknown.content[0].text, /^play_move has no argument "colour": its arguments are .*Send only those\.$/)
  const invalid = (await legacy('tools/call', { name: 'play_move', arguments: { human_position: 10 } })).body.result
  t.equal(invalid.isError, true)
  t.match(invalid.content[0].text, / See the tool's input schema\.$/)
})

t.test('an answered tool call: the text and the action\'s answer as structured content', async t => {
  const { legacy, modern } = await doorOf()
  const old = (await legacy('tools/call', { name: 'play_move', arguments: { ai_player: 'X' } })).body.result
  t.equal(old.isError, undefined)
  t.equal(old.content[0].type, 'text')
  t.match(old.structuredContent, { status: 'continue' })
  const now = (await modern('tools/call', { name: 'play_move', arguments: { ai_player: 'X' } })).body.result
  t.match(now, { resultType: 'complete', structuredContent: { status: 'continue' } }, 'a 2026-07-28 result is marked complete')
})

t.test('a prompt\'s choices: its fallback when none is given, its values only', async t => {
  const { legacy } = await doorOf()
  t.match((await legacy('prompts/get', { name: 'play_tictactoe' })).body.result.messages[0].content, { type: 'text' })
  t.match((await legacy('prompts/get', { name: 'play_tictactoe', arguments: { difficulty: 'brutal' } })).body.error,
    { code: -32602, message: /^difficulty must be one of .* \(got "brutal"\)\.$/ })
})

t.test('initialize needs its params; a method of the other revision says where it belongs', async t => {
  const { legacy, modern } = await doorOf()
  t.match((await legacy('initialize', { protocolVersion: 5 })).body.error, { code: -32602, message: /^initialize needs params with protocolVersion/ })
  const discover = await legacy('server/discover')
  t.equal(discover.status, 200)
  t.match(discover.body.error, { code: -32601, message: /^Method not found: server\/discover is a 2026-07-28 method: send it with/ })
  const ping = await modern('ping')
  t.equal(ping.status, 404, 'in 2026-07-28 an unknown method is also a 404')
  t.same(ping.body.error, { code: -32601, message: 'Method not found: ping left the protocol in 2026-07-28' })
  t.same((await modern('tools/unknown')).body.error, { code: -32601, message: 'Method not found' })
})

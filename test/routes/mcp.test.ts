import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import t, { type Test } from 'tap'
import { buildApp } from '../helper.js'

const KEY = 'a-very-secret-key-123'

/** The app listening on 127.0.0.1, and an MCP client connected to it with the SDK's own transport. */
async function connect (t: Test, env: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '1000', ...env })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const client = new Client({ name: 'tictactoe-test', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL(`${address}/mcp`), { requestInit: { headers } }))
  t.teardown(() => client.close())
  return { app, address, client }
}

type Answer = Record<string, any>

t.test('lists play_move with its schemas and annotations', async t => {
  const { client } = await connect(t)
  t.match(client.getServerVersion(), { name: 'tictactoe-gpt-action', version: '1.0.0' })
  const { tools } = await client.listTools()
  t.equal(tools.length, 1)
  const [tool] = tools
  t.equal(tool.name, 'play_move')
  t.equal(tool.title, 'Play a tic-tac-toe move')
  t.same(tool.annotations, { title: 'Play a tic-tac-toe move', readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false })
  t.same(Object.keys(tool.inputSchema.properties ?? {}), [
    'position_1', 'position_2', 'position_3', 'position_4', 'position_5', 'position_6', 'position_7', 'position_8', 'position_9',
    'human_position', 'ai_player', 'difficulty'])
  t.same(Object.keys(tool.outputSchema?.properties ?? {}), ['board', 'status', 'winner', 'ai_move', 'reason', 'message', 'next_player', 'winning_line', 'positions', 'board_text'])
  t.ok(tool.description !== undefined && tool.description.length > 100)
})

t.test('the AI opens, then whole games are played through play_move', async t => {
  const { client } = await connect(t)
  const opening = await client.callTool({ name: 'play_move', arguments: { ai_player: 'X' } })
  t.notOk(opening.isError)
  t.match(opening.structuredContent, { ai_move: { position: 5 }, next_player: 'O' })
  t.match((opening.content as Array<{ text: string }>)[0].text, "X takes the center. It is O's turn.\n\n 1 | 2 | 3")

  for (const firstMove of [1, 2, 5]) {
    let positions: Record<string, string> = {}
    let human = firstMove
    let answer: Answer = {}
    for (let turn = 0; turn < 5; turn++) {
      const result = await client.callTool({ name: 'play_move', arguments: { ...positions, human_position: human } })
      t.notOk(result.isError, `game from ${firstMove}, turn ${turn}`)
      answer = result.structuredContent as Answer
      if (answer.status === 'end') break
      positions = answer.positions
      human = Number(Object.entries(positions).find(([, cell]) => cell === '')?.[0].slice('position_'.length))
    }
    t.equal(answer.status, 'end', `game from ${firstMove} ends`)
    t.not(answer.winner, 'X', 'the AI never loses')
  }
})

t.test('bad calls give isError with the same message as the HTTP 400, and the session goes on', async t => {
  const { client, app } = await connect(t)
  const taken = await client.callTool({ name: 'play_move', arguments: { position_1: 'X', position_5: 'O', human_position: 5 } })
  t.equal(taken.isError, true)
  const http = (await app.inject('/human_move?position_1=X&position_5=O&human_position=5')).json()
  t.equal((taken.content as Array<{ text: string }>)[0].text, http.message)

  const badMark = await client.callTool({ name: 'play_move', arguments: { position_1: 'Z' } })
  t.same(badMark.content, [{ type: 'text', text: 'position_1 must be one of "X", "O", empty (got "Z"). See the tool\'s input schema.' }])
  const unknown = await client.callTool({ name: 'resign', arguments: {} })
  t.same(unknown, { isError: true, content: [{ type: 'text', text: 'There is no tool "resign"; the tool is play_move.' }] })

  const lenient = await client.callTool({ name: 'play_move', arguments: { position_1: 'x', position_5: ' o', human_position: '9', difficulty: 'HARD', extra: true } })
  t.notOk(lenient.isError, 'lowercase marks, a number as text and unknown arguments are accepted, as over HTTP')
  t.match(lenient.structuredContent, { positions: { position_1: 'X', position_9: 'X' } })
})

t.test('with API_KEY the MCP endpoint needs the bearer key', async t => {
  const app = await buildApp(t, { API_KEY: KEY })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const refused = new Client({ name: 'no-key', version: '1.0.0' })
  await t.rejects(refused.connect(new StreamableHTTPClientTransport(new URL(`${address}/mcp`))), /401|Unauthorized|API key/)
  const { client } = await connect(t, { API_KEY: KEY }, { authorization: `Bearer ${KEY}` })
  t.equal((await client.listTools()).tools.length, 1)
})

t.test('the rate limit applies to MCP calls', async t => {
  const { client } = await connect(t, { RATE_LIMIT_MAX: '3' })
  // Connecting already made calls (initialize, its notification, the client's probe for a stream).
  let answered = 0
  let refusal: unknown
  while (refusal === undefined && answered <= 3) {
    await client.listTools().then(() => { answered++ }, (error: unknown) => { refusal = error })
  }
  t.ok(answered < 3, `${answered} calls answered after connecting`)
  t.match(String(refusal), /429/)
})

t.test('GET and DELETE /mcp: 405, the server is stateless', async t => {
  const app = await buildApp(t)
  for (const method of ['GET', 'DELETE'] as const) {
    const res = await app.inject({ method, url: '/mcp' })
    t.equal(res.statusCode, 405)
    t.equal(res.headers.allow, 'POST')
    t.equal(res.json().error.message, 'This MCP server is stateless: send JSON-RPC requests with POST /mcp.')
  }
})

t.test('each MCP call is logged on one line, like any request', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, {}, { logs })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const client = new Client({ name: 'log-test', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL(`${address}/mcp`)))
  await client.close()
  t.ok(logs.some(line => line.msg === 'request' && line.route === '/mcp' && line.method === 'POST'))
})

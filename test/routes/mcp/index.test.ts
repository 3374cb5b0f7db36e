import { Client, ProtocolError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import { request } from 'node:http'
import { connect as connectSocket } from 'node:net'
import { Type } from '@sinclair/typebox'
import t, { type Test } from 'tap'
import { buildApp } from '../../helper.js'

const KEY = 'a-very-secret-key-123'

/**
 * The ways the official v2 client speaks to the door: the 2025 handshake (its default), pinned to
 * the 2026-07-28 revision (stateless, a `_meta` envelope on each request), and `auto` (it probes
 * with server/discover and keeps 2026-07-28, which this server offers).
 */
const REVISIONS = [
  { name: '2025 handshake', negotiation: { mode: 'legacy' }, version: '2025-11-25' },
  { name: '2026-07-28 pinned', negotiation: { mode: { pin: '2026-07-28' } }, version: '2026-07-28' },
  { name: 'auto', negotiation: { mode: 'auto' }, version: '2026-07-28' }
] as const
type Revision = typeof REVISIONS[number]

/** An MCP client connected to the app at `address` with the SDK's own transport, in one revision. */
async function clientOf (t: Test, address: string, revision: Revision, headers: Record<string, string> = {}) {
  const client = new Client({ name: 'tictactoe-test', version: '1.0.0' }, { versionNegotiation: revision.negotiation })
  await client.connect(new StreamableHTTPClientTransport(new URL(`${address}/mcp`), { requestInit: { headers } }))
  t.teardown(() => client.close())
  return client
}

/** The app listening on 127.0.0.1, and an MCP client connected to it. */
async function connect (t: Test, revision: Revision, env: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '1000', ...env })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const client = await clientOf(t, address, revision, headers)
  return { app, address, client }
}

/** A test run once in each revision. */
function eachRevision (name: string, test: (t: Test, revision: Revision) => Promise<void>): void {
  for (const revision of REVISIONS) t.test(`${name} (${revision.name})`, t => test(t, revision))
}

/** One raw JSON-RPC POST, for what the SDK client would never send (node:http, since fetch sets its own Host). */
async function post (address: string, body: string, headers: Record<string, string> = {}) {
  return await new Promise<{ status: number, body: Record<string, any> }>((resolve, reject) => {
    const req = request(`${address}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }
    }, res => {
      let text = ''
      res.on('data', chunk => { text += chunk })
      res.on('end', () => resolve({ status: res.statusCode as number, body: JSON.parse(text) }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const call = (id: number, name: string, args: unknown) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } })

type Answer = Record<string, any>

/** Every `type` in a schema, wherever it is: a portable schema has no type arrays. */
function typeArrays (schema: unknown, path = '#'): string[] {
  if (schema === null || typeof schema !== 'object') return []
  const own = Array.isArray((schema as Answer).type) ? [path] : []
  return [...own, ...Object.entries(schema).flatMap(([key, value]) => typeArrays(value, `${path}/${key}`))]
}

eachRevision('every action is a tool, described by its route', async (t, revision) => {
  const { app, client } = await connect(t, revision)
  t.equal(client.getNegotiatedProtocolVersion(), revision.version)
  t.match(client.getServerVersion(), { name: 'tictactoe-gpt-action', version: '1.0.0' })
  const { tools } = await client.listTools()
  t.same(tools.map(tool => tool.name), app.actions.map(action => action.toolName))
  for (const action of app.actions) {
    const tool = tools.find(one => one.name === action.toolName)
    t.equal(tool?.title, action.title)
    t.equal(tool?.description, action.description)
    t.same(Object.keys(tool?.inputSchema.properties ?? {}), Object.keys(action.input.properties))
    t.same(Object.keys(tool?.outputSchema?.properties ?? {}), Object.keys(action.output.properties))
    t.same(typeArrays(tool?.outputSchema), [], `${action.toolName}: no type arrays in the output schema`)
    t.same(typeArrays(tool?.inputSchema), [], `${action.toolName}: no type arrays in the input schema`)
    t.equal(tool?.annotations?.readOnlyHint, !action.consequential)
  }
  const playMove = tools.find(tool => tool.name === 'play_move') as Answer
  t.equal(app.actions.find(action => action.toolName === 'play_move')?.operationId, 'humanMove', 'play_move keeps its name')
  t.same(playMove?.annotations, { title: "Play the AI's move in a tic-tac-toe game", readOnlyHint: true, destructiveHint: false, openWorldHint: false })
  t.same(playMove?.outputSchema?.properties?.ai_move, {
    description: 'The cell the AI played, or null when the game was already over.',
    anyOf: [{
      type: 'object',
      required: ['position', 'row', 'column'],
      properties: {
        position: { type: 'integer', minimum: 1, maximum: 9 },
        row: { type: 'integer', minimum: 1, maximum: 3 },
        column: { type: 'integer', minimum: 1, maximum: 3 }
      }
    }, { type: 'null' }]
  })
  t.same(playMove?.outputSchema?.properties?.reason.anyOf[1], { type: 'null' })
  t.notOk(playMove?.outputSchema?.properties?.reason.anyOf[0].enum.includes(null), 'null is the other branch, not an enum value')
})

eachRevision('play_move shows as the board view in MCP Apps hosts: a ui:// resource, self-contained HTML', async (t, revision) => {
  const { app, client } = await connect(t, revision)
  const playMove = (await client.listTools()).tools.find(tool => tool.name === 'play_move')
  t.match(playMove?._meta, {
    ui: { resourceUri: 'ui://tictactoe/board.html' },
    'ui/resourceUri': 'ui://tictactoe/board.html',
    'openai/outputTemplate': 'ui://tictactoe/board.html'
  })
  // (Every field the hosts read: test/plugins/app/mcp-catalog/host-meta.test.ts.)
  const meta = {
    ui: { csp: { connectDomains: [], resourceDomains: [] }, prefersBorder: true },
    'openai/widgetDescription': 'The game as a board to click: each move is a play_move call, the AI answers in place.'
  }
  const { resources } = await client.listResources()
  t.same(resources.map(resource => resource.uri), app.actions.flatMap(action => action.view?.uri ?? []), "every action's view")
  t.same(resources.filter(resource => resource.uri === 'ui://tictactoe/board.html'), [{
    uri: 'ui://tictactoe/board.html',
    name: 'board',
    title: 'Tic-tac-toe board',
    description: 'The game as a board to click: each move is a play_move call, the AI answers in place.',
    mimeType: 'text/html;profile=mcp-app',
    _meta: meta
  }])
  const { contents } = await client.readResource({ uri: 'ui://tictactoe/board.html' })
  t.equal(contents.length, 1)
  t.match(contents[0], { uri: 'ui://tictactoe/board.html', mimeType: 'text/html;profile=mcp-app', _meta: meta })
  const html = (contents[0] as { text: string }).text
  t.match(html, /^<!doctype html>/)
  t.notOk(/<script[^>]+src=|<link[^>]+href=|<img/i.test(html), 'nothing to fetch: no external script, style sheet or image')
  t.notOk(/@import|url\(/.test(html.slice(html.indexOf('<style>'), html.indexOf('</style>'))), 'the style fetches nothing either')
  t.equal((html.match(/data-cell="/g) ?? []).length, 9, 'nine cells')
  const missing = await client.readResource({ uri: 'ui://tictactoe/other.html' }).catch((error: ProtocolError) => error)
  t.equal((missing as ProtocolError).code, -32602)
})

eachRevision('the AI opens, then whole games are played through play_move', async (t, revision) => {
  const { client } = await connect(t, revision)
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

eachRevision('a tool answers exactly what its HTTP route answers', async (t, revision) => {
  const { client, app } = await connect(t, revision)
  const args = { position_1: 'x', position_5: ' o', human_position: '9', difficulty: 'HARD' }
  const viaMcp = await client.callTool({ name: 'play_move', arguments: args })
  const viaHttp = await app.inject('/human_move?position_1=x&position_5=%20o&human_position=9&difficulty=HARD')
  t.notOk(viaMcp.isError, 'lowercase marks and a number as text are accepted, as over HTTP')
  t.same(viaMcp.structuredContent, viaHttp.json())
})

eachRevision('opening the board for a person who moves first is a new game, not an error', async (t, revision) => {
  const { client } = await connect(t, revision)
  for (const args of [{}, { ai_player: 'O' }, { ai_player: 'o', difficulty: 'medium' }]) {
    const result = await client.callTool({ name: 'play_move', arguments: args })
    t.equal(result.isError, undefined, JSON.stringify(args))
    t.match(result.structuredContent, { status: 'continue', ai_move: null, next_player: 'X', positions: { position_1: '', position_9: '' } })
    t.match((result.content as Array<{ text: string }>)[0].text, /^New game: X moves first\. Pick a free cell from 1 to 9/)
  }
})

eachRevision('a caller mistake is a tool error with the HTTP message, and the session goes on', async (t, revision) => {
  const { client, app } = await connect(t, revision)
  const taken = await client.callTool({ name: 'play_move', arguments: { position_1: 'X', position_5: 'O', human_position: 5 } })
  t.equal(taken.isError, true)
  const http = (await app.inject('/human_move?position_1=X&position_5=O&human_position=5')).json()
  t.same(taken.content, [{ type: 'text', text: http.message }])

  const badMark = await client.callTool({ name: 'play_move', arguments: { position_1: 'Z' } })
  t.same(badMark.content, [{ type: 'text', text: 'position_1 must be one of "X", "O", empty (got "Z"). See the tool\'s input schema.' }])
  const tooFar = await client.callTool({ name: 'play_move', arguments: { human_position: 10 } })
  t.same(tooFar.content, [{ type: 'text', text: 'human_position must be at most 9 (got 10). See the tool\'s input schema.' }])
  t.equal((await client.callTool({ name: 'play_move', arguments: { human_position: 5 } })).isError, undefined, 'the next call is played')
})

eachRevision('arguments of any JSON type reach the route as a GPT would send them', async (t, revision) => {
  const { client, address } = await connect(t, revision)
  const text = async (args: Record<string, unknown>) =>
    ((await client.callTool({ name: 'play_move', arguments: args })).content as Array<{ text: string }>)[0].text
  t.match(await text({ position_1: null, ai_player: 'X' }), 'X takes the center.', 'null is left out')
  t.equal(await text({ human_position: [5, 6] }), 'human_position was given 2 times; give it once (got ["5","6"]). See the tool\'s input schema.')
  t.equal(await text({ difficulty: { level: 'hard' } }), 'difficulty must be one of "easy", "medium", "hard" (got "{\\"level\\":\\"hard\\"}"). See ' +
    'the tool\'s input schema.')
  const { body } = await post(address, JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'play_move' } }))
  t.match(
    body.result,
    { structuredContent: { ai_move: null, next_player: 'X' }, content: [{ type: 'text', text: /^New game: X moves first\./ }] },
    'no arguments is an empty board: a new game'
  )
})

eachRevision('an action that takes a JSON body gets the arguments as its body, and answers JSON text by default', async (t, revision) => {
  const app = await buildApp(t)
  app.action({
    method: 'POST',
    url: '/echo',
    schema: {
      operationId: 'echoWord',
      summary: 'Echo a word',
      description: 'Answers the word it is given.',
      'x-openai-isConsequential': true,
      body: Type.Object({ word: Type.String() }),
      response: { 200: Type.Object({ word: Type.String() }) }
    },
    handler: input => ({ word: input.word })
  })
  const client = await clientOf(t, await app.listen({ host: '127.0.0.1', port: 0 }), revision)
  const tool = (await client.listTools()).tools.find(one => one.name === 'echo_word')
  t.same(tool?.annotations, { title: 'Echo a word', readOnlyHint: false, destructiveHint: true, openWorldHint: false }, 'a consequential action is ' +
    'not read-only')
  const result = await client.callTool({ name: 'echo_word', arguments: { word: 'hello' } })
  t.same(result.structuredContent, { word: 'hello' })
  t.same(result.content, [{ type: 'text', text: '{"word":"hello"}' }])
})

eachRevision('an unknown tool is JSON-RPC error -32602', async (t, revision) => {
  const { app, client } = await connect(t, revision)
  const error = await client.callTool({ name: 'resign', arguments: {} }).then(() => undefined, (error: unknown) => error)
  t.ok(error instanceof ProtocolError)
  t.equal((error as ProtocolError).code, -32602)
  // The tools named are every action's, whatever folders the service has.
  t.match((error as ProtocolError).message, `There is no tool "resign"; the tools are ${app.actions.map(action => action.toolName).join(', ')}.`)
})

t.test('arguments that are not an object: -32602 with one line that says what to send', async t => {
  const address = await (await buildApp(t)).listen({ host: '127.0.0.1', port: 0 })
  for (const [args, got] of [[null, 'null'], [[1, 2], 'an array'], ['5', 'a string']] as const) {
    const { status, body } = await post(address, call(7, 'play_move', args))
    t.equal(status, 400)
    t.same(body, {
      jsonrpc: '2.0',
      id: 7,
      error: { code: -32602, message: `arguments must be an object of the tool's parameters by name, as its inputSchema lists them (got ${got}).` }
    })
  }
})

t.test('a body that is not JSON: -32700; a batch from 2025-06-18 on: -32600, nothing played', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, {}, { logs })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const broken = await post(address, '{"jsonrpc": "2.0", "id": 1, "method": "ping"')
  t.equal(broken.status, 400)
  t.same(broken.body, {
    jsonrpc: '2.0',
    id: null,
    error: {
      code: -32700,
      message: 'The body is not valid JSON: send one JSON-RPC message, such as {"jsonrpc":"2.0","id":1,"method":"tools/list"}.'
    }
  })

  // Keys that would reach an object's prototype are refused as Fastify's reader refuses them, escaped
  // or not; a body that only mentions them in a value is read.
  for (const poisoned of ['{"jsonrpc":"2.0","id":1,"method":"ping","params":{"__proto__":{"x":1}}}',
    '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"\\u005f_proto__":{"x":1}}}',
    '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"constructor":{"prototype":{"x":1}}}}',
    '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"c\\u006fnstructor":{"prototype":{"x":1}}}}']) {
    const answer = await post(address, poisoned)
    t.same([answer.status, answer.body.error?.code], [400, -32700], poisoned)
  }
  const mentioned = await post(address, '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"_meta":{"note":"\\u00e9 __proto__ constructor"}}}')
  t.same([mentioned.status, mentioned.body.result], [200, {}], 'named in a value: read')
  t.same([(await post(address, '')).status, (await post(address, '')).body.error?.code], [400, -32700], 'an empty body')

  const batch = `[${Array.from({ length: 20 }, (_, i) => call(i + 1, 'play_move', { ai_player: 'X' })).join(',')}]`
  const refused = await post(address, batch, { 'mcp-protocol-version': '2025-06-18' })
  t.equal(refused.status, 400)
  t.same(refused.body, {
    jsonrpc: '2.0',
    id: null,
    error: {
      code: -32600,
      message: 'JSON-RPC batches are not supported (MCP removed them in revision 2025-06-18): send one message per POST.'
    }
  })
  t.notOk(logs.some(line => line.route === '/human_move'), 'no move was played')
})

t.test('a batch from a 2025-03-26 client (no version header, or that one) is answered message by message', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '2' })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const batch = `[${call(1, 'play_move', { ai_player: 'X' })},{"jsonrpc":"2.0","method":"notifications/initialized"},` +
    '{"jsonrpc":"2.0","id":"b","method":"tools/list"},{"jsonrpc":"2.0","id":3,"method":"nope/nope"},{"jsonrpc":"2.0","id":4,"method":"initialize"}]'
  for (const headers of [{}, { 'mcp-protocol-version': '2025-03-26' }] as Array<Record<string, string>>) {
    const answered = await post(address, batch, headers)
    t.equal(answered.status, 200)
    const answers = answered.body as unknown as Array<Record<string, any>>
    t.same(answers.map(answer => answer.id), [1, 'b', 3, 4], 'one answer per request, in order; none for the notification')
    t.match(answers[0], { result: { structuredContent: { board: Array } } }, 'the move is played')
    t.ok(Array.isArray(answers[1].result.tools), 'the tools are listed')
    t.equal(answers[2].error.code, -32601)
    t.match(answers[3].error, { code: -32600, message: 'initialize may not be part of a batch: send it alone, first.' })
  }
  const third = (await post(address, `[${call(9, 'play_move', { ai_player: 'X' })}]`)).body as unknown as Array<Record<string, any>>
  t.match(third[0].result.content[0].text, /^Too many calls/, 'each move in a batch is counted')
  const notes = await app.inject({
    method: 'POST',
    url: '/mcp',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    payload: '[{"jsonrpc":"2.0","method":"notifications/initialized"}]'
  })
  t.same([notes.statusCode, notes.body], [202, ''], 'notifications alone: 202, nothing to answer')
  const tooMany = await post(address, `[${Array.from({ length: 17 }, (_, i) => `{"jsonrpc":"2.0","id":${i},"method":"ping"}`).join(',')}]`)
  t.match(tooMany, { status: 400, body: { error: { code: -32600, message: 'A batch holds 1 to 16 messages (got 17).' } } })
  t.match(await post(address, '[]'), { status: 400, body: { error: { code: -32600, message: 'A batch holds 1 to 16 messages (got 0).' } } })
})

t.test('each message of a batch counts against the open allowance: past it, that message is answered 429', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '1' })
  const pings = `[${Array.from({ length: 12 }, (_, i) => `{"jsonrpc":"2.0","id":${i},"method":"ping"}`).join(',')}]`
  const res = await app.inject({
    method: 'POST', url: '/mcp', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, payload: pings
  })
  const answers = res.json() as Array<Record<string, any>>
  t.same(answers.map(answer => answer.error === undefined ? 'answered' : answer.error.code), [...Array(10).fill('answered'), -32000, -32000])
  t.match(answers[10].error.message, /^Too many calls: at most 10 a minute per client\./)
})

t.test('Content-Encoding: identity (or empty) is an uncompressed body; any other is 415', async t => {
  const app = await buildApp(t)
  const send = async (encoding: string) => await app.inject({
    method: 'POST',
    url: '/mcp',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-encoding': encoding },
    payload: '{"jsonrpc":"2.0","id":1,"method":"ping"}'
  })
  t.equal((await send('identity')).statusCode, 200)
  t.equal((await send('')).statusCode, 200)
  const gzip = await send('gzip')
  t.equal(gzip.statusCode, 415)
  t.same(gzip.json().error, { code: -32000, message: 'Content-Encoding gzip is not accepted: send the JSON-RPC message uncompressed.' })
})

eachRevision('the rate limit counts plays: connecting, listing and pinging cost none', async (t, revision) => {
  const { app, client } = await connect(t, revision, { RATE_LIMIT_MAX: '5' })
  // ping left the protocol in 2026-07-28 (the SDK client refuses to send it there).
  const ping = async () => revision.version === '2026-07-28' ? {} : await client.ping()
  await client.listTools()
  await ping()
  await client.listPrompts()
  for (let play = 1; play <= 5; play++) {
    const result = await client.callTool({ name: 'play_move', arguments: { ai_player: 'X' } })
    t.equal(result.isError, undefined, `play ${play} is answered`)
  }
  const sixth = await client.callTool({ name: 'play_move', arguments: { ai_player: 'X' } })
  t.equal(sixth.isError, true)
  t.match((sixth.content as Array<{ text: string }>)[0].text, /^Too many calls: at most 5 a minute per player\. Wait \d+ seconds, then try again\.$/)
  t.same(await ping(), {}, 'the session itself is not limited')
  t.equal((await client.listTools()).tools.length, app.actions.length)
})

t.test('forged Host and Origin are refused with 403; allowed ones are served', async t => {
  const app = await buildApp(t, {
    PUBLIC_URL: 'https://game.example.com',
    ALLOWED_HOSTS: 'internal.example.net',
    ALLOWED_ORIGINS: 'https://inspector.example.org'
  })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' })
  for (const headers of [{ host: 'evil.example.com' }, { host: 'game.example.com.evil.example.com' }]) {
    const { status, body } = await post(address, ping, headers)
    t.equal(status, 403, headers.host)
    t.same(body, {
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32000,
        message: `Invalid Host: ${headers.host}. This MCP server answers to ` +
          'game.example.com, localhost, 127.0.0.1, [::1], internal.example.net: set PUBLIC_URL or add the name to ALLOWED_HOSTS.'
      }
    })
  }
  // HTTP/1.0 needs no Host header: none at all is no host name either.
  const noHost = await new Promise<string>((resolve, reject) => {
    const socket = connectSocket(Number(new URL(address).port), '127.0.0.1')
    let text = ''
    socket.on('data', chunk => { text += chunk })
    socket.on('end', () => resolve(text))
    socket.on('error', reject)
    socket.end('POST /mcp HTTP/1.0\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ' +
      `${ping.length}\r\n\r\n${ping}`)
  })
  t.match(noHost, /^HTTP\/1\.1 403 Forbidden\r\n/)
  t.match(noHost, '"message":"Invalid Host header: \\"\\". This MCP server answers to')
  const unreadable = await post(address, ping, { host: 'a b' })
  t.equal(unreadable.status, 403)
  t.match(unreadable.body.error.message, /^Invalid Host header: "a b"\. This MCP server answers to/)
  for (const origin of ['http://evil.example.com', 'https://inspector.example.org.evil.example.com', 'null']) {
    const { status, body } = await post(address, ping, { origin })
    t.equal(status, 403, origin)
    t.same(body.error, { code: -32000, message: `Origin "${origin}" is not allowed to call this MCP server: add it to ALLOWED_ORIGINS.` })
  }
  const allowed: Array<Record<string, string>> = [
    {},
    { host: 'game.example.com' },
    { host: 'internal.example.net:8080' },
    { origin: 'https://inspector.example.org' },
    { origin: 'https://game.example.com' },
    { origin: 'http://localhost:6274' }
  ]
  for (const headers of allowed) {
    const { status, body } = await post(address, ping, headers)
    t.equal(status, 200, JSON.stringify(headers))
    t.same(body, { jsonrpc: '2.0', id: 1, result: {} })
  }
})

t.test('listening on all addresses with no PUBLIC_URL: any Host, only same-site or listed origins, and a warning', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, { HOST: '0.0.0.0' }, { logs })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' })
  t.equal((await post(address, ping, { host: 'anything.example.com' })).status, 200)
  t.equal((await post(address, ping, { host: 'game.example.com', origin: 'https://game.example.com' })).status, 200)
  t.equal((await post(address, ping, { host: 'game.example.com', origin: 'https://evil.example.com' })).status, 403)
  t.ok(logs.some(line => line.level === 40 && String(line.msg).startsWith('MCP door: the Host header is not checked')))
})

eachRevision('the prompt play_tictactoe starts a game with the chosen opener and difficulty', async (t, revision) => {
  const { app, client } = await connect(t, revision)
  const { prompts } = await client.listPrompts()
  const everyPrompt = app.actions.flatMap(action => action.prompts.map(prompt => prompt.name))
  t.same(prompts.map(prompt => prompt.name), everyPrompt, "every action's prompts")
  t.same(prompts.find(prompt => prompt.name === 'play_tictactoe')?.arguments?.map(argument => argument.name), ['first', 'difficulty'])
  const aiFirst = await client.getPrompt({ name: 'play_tictactoe', arguments: { first: 'AI', difficulty: 'easy' } })
  t.equal(aiFirst.messages.length, 1)
  t.equal(aiFirst.messages[0].role, 'user')
  const text = (aiFirst.messages[0].content as { text: string }).text
  t.match(text, 'at easy difficulty')
  t.match(text, 'call play_move now with an empty board, ai_player "X" and difficulty "easy"')
  const byDefault = (await client.getPrompt({ name: 'play_tictactoe', arguments: { first: ' ' } })).messages[0].content as { text: string }
  t.match(byDefault.text, 'at hard difficulty. I move first and play X')
  const noArguments = await client.getPrompt({ name: 'play_tictactoe' })
  t.same(noArguments.messages[0].content, byDefault)

  const wrong = await client.getPrompt({ name: 'play_tictactoe', arguments: { difficulty: 'impossible' } }).catch((error: ProtocolError) => error)
  t.equal((wrong as ProtocolError).code, -32602)
  t.match((wrong as ProtocolError).message, 'difficulty must be one of easy, medium, hard (got "impossible").')
  const unknown = await client.getPrompt({ name: 'chess' }).catch((error: ProtocolError) => error)
  t.equal((unknown as ProtocolError).code, -32602)
  t.match((unknown as ProtocolError).message, `There is no prompt "chess"; the prompts are ${everyPrompt.join(', ')}.`)
})

eachRevision('with API_KEY the MCP door needs the bearer key', async (t, revision) => {
  const app = await buildApp(t, { API_KEY: KEY })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  await t.rejects(clientOf(t, address, revision), /401|Unauthorized|API key/)
  const noKey = await post(address, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }))
  t.equal(noKey.status, 401)
  t.match(noKey.body, { jsonrpc: '2.0', error: { code: -32000, message: /^This action needs an API key/ } })
  const { client } = await connect(t, revision, { API_KEY: KEY }, { authorization: `Bearer ${KEY}` })
  t.equal((await client.callTool({ name: 'play_move', arguments: { ai_player: 'X' } })).isError, undefined, 'the key is passed on to the action')
})

t.test('GET and DELETE /mcp: 405, the server is stateless', async t => {
  const app = await buildApp(t)
  for (const method of ['GET', 'DELETE'] as const) {
    const res = await app.inject({ method, url: '/mcp' })
    t.equal(res.statusCode, 405)
    t.equal(res.headers.allow, 'POST')
    t.same(res.json(), { jsonrpc: '2.0', id: null, error: { code: -32000, message: 'This MCP server is stateless: send JSON-RPC requests with POST /mcp.' } })
  }
})

t.test('a server fault at the MCP door is a JSON-RPC error with the request id, and logged', async t => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, {}, { logs })
  app.addHook('preHandler', async request => {
    if (request.url === '/mcp') throw new Error('secret internal detail')
  })
  const res = await app.inject({ method: 'POST', url: '/mcp', payload: { jsonrpc: '2.0', id: 1, method: 'ping' } })
  t.equal(res.statusCode, 500)
  t.equal(res.json().error.code, -32603)
  t.match(
    res.json().error.message,
    /^Something went wrong on the server; try again\. If it keeps failing, report request id [0-9a-f-]{36}\.$/
  )
  t.notMatch(res.body, 'secret internal detail')
  t.ok(logs.some(line => line.level === 50 && line.msg === 'request failed'))
})

eachRevision('each MCP call is logged on one line, and each play on its own', async (t, revision) => {
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, {}, { logs })
  const client = await clientOf(t, await app.listen({ host: '127.0.0.1', port: 0 }), revision)
  await client.callTool({ name: 'play_move', arguments: { ai_player: 'X' } })
  await client.close()
  t.ok(logs.some(line => line.msg === 'request' && line.route === '/mcp' && line.method === 'POST'))
  t.equal(logs.filter(line => line.msg === 'request' && line.route === '/human_move').length, 1)
})

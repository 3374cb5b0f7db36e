/**
 * The door's method table: which revision has each method, what each names, what its params must be;
 * and on the wire, what the door refuses before anything is built from a message, in both revisions:
 * -32602 with one line that says what to send (never -32603, never a dump of a schema).
 */
import { request } from 'node:http'
import t, { type Test } from 'tap'
import { METHODS, hasMethod, paramsProblem, specOf } from '../../../routes/mcp/method-table.js'
import { buildApp } from '../../helper.js'

type Answer = { status: number, body: Record<string, any> }

const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'raw-test', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {}
}

/**
 * One raw JSON-RPC request, as a 2025 client sends it or, with `modern`, as a 2026-07-28 one does
 * (the `_meta` envelope in params, and the revision, method and name headers); `extra` headers over them.
 */
async function send (address: string, message: Record<string, any>, modern: boolean, text?: string, extra: Record<string, string> = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...extra }
  let body = message
  if (modern) {
    headers['mcp-protocol-version'] = '2026-07-28'
    headers['mcp-method'] = message.method
    const name = message.params?.name ?? message.params?.uri
    if (typeof name === 'string') headers['mcp-name'] = name
    body = { ...message, params: { ...(typeof message.params === 'object' && message.params !== null ? message.params : {}), _meta: ENVELOPE } }
    if (message.params !== undefined && (typeof message.params !== 'object' || message.params === null)) body = message
  }
  return await new Promise((resolve, reject) => {
    const req = request(`${address}/mcp`, { method: 'POST', headers }, res => {
      let answer = ''
      res.on('data', chunk => { answer += chunk })
      res.on('end', () => resolve({ status: res.statusCode as number, body: answer === '' ? {} : JSON.parse(answer) }))
    })
    req.on('error', reject)
    req.end(text ?? JSON.stringify(body))
  })
}

async function listening (t: Test) {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '100000' })
  return { app, address: await app.listen({ host: '127.0.0.1', port: 0 }) }
}

const call = (id: number, method: string, params?: unknown) => ({ jsonrpc: '2.0', id, method, ...(params !== undefined ? { params } : {}) })

for (const modern of [false, true]) {
  const revision = modern ? '2026-07-28' : '2025'
  t.test(`each protocol mistake is -32602 with one line that says what to send (${revision})`, async t => {
    const { address } = await listening(t)
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [
        call(1, 'prompts/get', { name: 'play_tictactoe', arguments: { first: 5 } }),
        /^prompts\/get arguments are strings: give "first" as text \(got a number\)\.$/
      ],
      [
        call(2, 'prompts/get', { name: 'play_tictactoe', arguments: { first: null } }),
        /^prompts\/get arguments are strings: give "first" as text \(got null\)\.$/
      ],
      [call(3, 'prompts/get', {}), /^prompts\/get needs params\.name, the prompt's name as a string \(got nothing\)\.$/],
      [
        call(4, 'prompts/get', { name: 'play_tictactoe', arguments: ['me'] }),
        /^prompts\/get arguments must be an object of strings by name \(got an array\)\.$/
      ],
      [
        call(5, 'resources/read', { uri: 5 }),
        /^resources\/read needs params\.uri, the resource's address as a string, as resources\/list gives it \(got a number\)\.$/
      ],
      // (A 2026-07-28 request always has params: its _meta envelope.)
      [
        call(6, 'tools/call'),
        modern
          ? /^tools\/call needs params\.name, the tool's name as a string, such as \{"name":"play_move","arguments":\{\.\.\.\}\} \(got nothing\)\.$/
          : /^tools\/call needs params with the tool's name and its arguments, such as \{"name":"play_move","arguments":\{\.\.\.\}\} \(got nothing\)\.$/
      ],
      [call(7, 'tools/call', { name: 5 }), /^tools\/call needs params\.name, the tool's name as a string, such as .* \(got a number\)\.$/],
      [
        call(13, 'tools/call', { name: { tool: 'play_move' } }),
        /^tools\/call needs params\.name, the tool's name as a string, such as .* \(got an object\)\.$/
      ],
      [call(14, 'prompts/get', 'play_tictactoe'), /^prompts\/get needs params\.name, the prompt's name as a string \(got a string\)\.$/],
      [call(15, 'resources/read'), /^resources\/read needs params\.uri, the resource's address as a string, as resources\/list gives it \(got nothing\)\.$/]
    ]
    for (const [message, expected] of cases) {
      const { status, body } = await send(address, message, modern)
      t.equal(status, 400, `${String(message.method)} ${message.id}`)
      t.equal(body.id, message.id, 'the error carries the request id')
      t.equal(body.error.code, -32602)
      t.match(body.error.message, expected)
      t.notMatch(body.error.message, '\n', 'one line')
    }
  })

  t.test(`a body that is JSON but no message is -32600, in one line (${revision})`, async t => {
    const { address } = await listening(t)
    for (const text of ['5', '"ping"', 'null', '{"jsonrpc":"2.0","id":1}']) {
      const { status, body } = await send(address, { method: 'tools/list' }, modern, text)
      t.equal(status, 400, text)
      t.same(body.error, { code: -32600, message: 'Bad Request: the request body is not a valid JSON-RPC message' })
    }
  })

  t.test(`a message nested thousands of levels deep is -32602, not a stack overflow (${revision})`, async t => {
    const { address } = await listening(t)
    const deep = `${'['.repeat(4000)}"x"${']'.repeat(4000)}`
    const message = call(8, 'tools/call', { name: 'play_move', arguments: { position_1: 'DEEP' } })
    const text = JSON.stringify(modern ? { ...message, params: { ...message.params as object, _meta: ENVELOPE } } : message).replace('"DEEP"', deep)
    const { status, body } = await send(address, message, modern, text)
    t.equal(status, 400)
    t.same(body, {
      jsonrpc: '2.0',
      id: 8,
      error: {
        code: -32602,
        message: 'The message nests more than 32 levels deep: send the tool\'s arguments as its inputSchema describes them.'
      }
    })
    const fine = await send(address, call(9, 'tools/call', { name: 'play_move', arguments: { ai_player: 'X' } }), modern)
    t.equal(fine.body.result.structuredContent.ai_move.position, 5, 'the next call is played')
  })

  t.test(`a call with more argument names than the tool lists is refused before it is built (${revision})`, async t => {
    const logs: Array<Record<string, unknown>> = []
    const app = await buildApp(t, { RATE_LIMIT_MAX: '100000' }, { logs })
    const address = await app.listen({ host: '127.0.0.1', port: 0 })
    // As many names as fit under the 64 KB body limit.
    const names = Object.fromEntries(Array.from({ length: 8000 }, (_, i) => [i.toString(36), 0]))
    const { status, body } = await send(address, call(10, 'tools/call', { name: 'play_move', arguments: names }), modern)
    t.equal(status, 400)
    const listed = Object.keys(app.actions.find(action => action.toolName === 'play_move')?.input.properties ?? {})
    t.same(body.error, { code: -32602, message: `play_move takes at most ${listed.length} arguments (${listed.join(', ')}): send only those.` })
    t.notOk(logs.some(line => line.route === '/human_move'), 'the call never reached the action')
  })

  t.test(`an argument the tool does not list is a tool error naming the ones it takes (${revision})`, async t => {
    const { app, address } = await listening(t)
    const listed = Object.keys(app.actions.find(action => action.toolName === 'play_move')?.input.properties ?? {}).join(', ')
    const one = await send(address, call(11, 'tools/call', { name: 'play_move', arguments: { position_1: 'X', colour: 'blue' } }), modern)
    t.match(one.body.result, {
      isError: true,
      content: [{
        type: 'text',
        text: `play_move has no argument "colour": its arguments are ${listed}. Send ` +
          'only those.'
      }]
    })
    const typo = await send(
      address,
      call(12, 'tools/call', { name: 'play_move', arguments: { Position_1: 'X', position1: 'O', ['p'.repeat(100)]: 'X', more: 1 } }),
      modern
    )
    t.match(typo.body.result.content[0].text, `play_move has no argument "Position_1", "position1", "${'p'.repeat(40)}" and others: its arguments are`)
  })
}

t.test('a params._meta that is not an object: -32602 naming it; a version header that is no revision: unsupported', async t => {
  const app = await buildApp(t)
  const post = async (payload: unknown, headers: Record<string, string> = {}) => await app.inject({
    method: 'POST',
    url: '/mcp',
    headers: { accept: 'application/json, text/event-stream', ...headers },
    payload: payload as object
  })
  for (const meta of ['a string', 7, null, ['a']]) {
    const res = await post({ jsonrpc: '2.0', id: 3, method: 'tools/list', params: { _meta: meta } })
    t.equal(res.statusCode, 400)
    t.match(res.json(), { id: 3, error: { code: -32602, message: /^params\._meta must be an object of metadata by key \(got / } }, JSON.stringify(meta))
  }
  for (const version of ['latest', 'next', '2026-99']) {
    const res = await post({ jsonrpc: '2.0', id: 4, method: 'tools/list' }, { 'mcp-protocol-version': version })
    t.equal(res.statusCode, 400, version)
    t.match(res.json().error.message, new RegExp(`^Bad Request: Unsupported protocol version: ${version} \\(supported versions: 2025-11-25`))
  }
})

t.test('the handshake and ping are 2025 only, server/discover 2026-07-28 only, the rest in both', async t => {
  t.same(Object.keys(METHODS).filter(method => !hasMethod(method, 'modern')), ['initialize', 'ping'])
  t.same(Object.keys(METHODS).filter(method => !hasMethod(method, 'legacy')), ['server/discover'])
  t.notOk(hasMethod('logging/setLevel', 'legacy'), 'a method the door does not answer is in neither')
  t.notOk(hasMethod('toString', 'legacy'), 'nor is a name the table inherits')
  t.equal(specOf(42), undefined)
})

t.test('the methods that name what they call: the params field Mcp-Name mirrors, the span attribute', async t => {
  const targets = Object.fromEntries(Object.entries(METHODS).flatMap(([method, spec]) => 'target' in spec ? [[method, spec.target]] : []))
  t.same(targets, {
    'tools/call': { field: 'name', attribute: 'gen_ai.tool.name' },
    'prompts/get': { field: 'name', attribute: 'gen_ai.prompt.name' },
    'resources/read': { field: 'uri', attribute: 'mcp.resource.uri' }
  })
})

t.test('params: each problem in one sentence that says what to send', async t => {
  const app = await buildApp(t)
  await app.ready()
  const tools = app.mcpCatalog.argumentNames
  const problem = (method: string, params: unknown): string | undefined => paramsProblem(method, params, tools)
  t.equal(problem('tools/call', { name: 'play_move', arguments: { ai_player: 'X' } }), undefined)
  t.equal(problem('tools/call', { name: 'play_move' }), undefined, 'no arguments: the tool reads its defaults')
  t.match(problem('tools/call', undefined), /^tools\/call needs params with the tool's name and its arguments, such as \{"name":"play_move".*\(got nothing\)\.$/)
  t.match(problem('tools/call', { name: 5 }), /needs params.name, the tool's name as a string, .*\(got a number\)\.$/)
  t.match(problem('tools/call', { name: 'play_move', arguments: [] }), /^arguments must be an object .* \(got an array\)\.$/)
  const tooMany = Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`a${i}`, i]))
  t.match(problem('tools/call', { name: 'play_move', arguments: tooMany }), /^play_move takes at most 12 arguments \(position_1, .*\): send only those\.$/)
  t.equal(problem('prompts/get', { name: 'new_game', arguments: { ai_player: 'X' } }), undefined)
  t.match(problem('prompts/get', {}), /^prompts\/get needs params.name, the prompt's name as a string \(got nothing\)\.$/)
  t.match(problem('prompts/get', { name: 'new_game', arguments: 'X' }), /must be an object of strings by name \(got a string\)\.$/)
  t.match(problem('prompts/get', { name: 'new_game', arguments: { ai_player: 1 } }), /give "ai_player" as text \(got a number\)\.$/)
  t.equal(problem('resources/read', { uri: 'ui://x' }), undefined)
  t.match(problem('resources/read', null), /needs params.uri, .* \(got null\)\.$/)
  t.equal(problem('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } }), undefined)
  for (const params of [undefined, { protocolVersion: 5, capabilities: {}, clientInfo: {} }, { protocolVersion: '2025-11-25', capabilities: [] }]) {
    t.match(problem('initialize', params), /^initialize needs params with protocolVersion \(a string\), capabilities and clientInfo \(objects\)/)
  }
  t.equal(problem('tools/list', 'anything'), undefined, 'a method with no params to check takes what it is given')
})

t.test('the envelope, then the revision and the method, then the params: a message hears about the first that fails', async t => {
  const { address } = await listening(t)
  const raw = async (body: Record<string, any>, headers: Record<string, string> = {}): Promise<Answer> => await send(address, body, false, undefined, headers)
  const modernHeaders = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'other_tool' }
  const mismatched = await raw({ ...call(1, 'tools/call', { name: 'play_move', arguments: [], _meta: ENVELOPE }) }, modernHeaders)
  t.match(mismatched, { status: 400, body: { id: 1, error: { code: -32020 } } }, 'a header at odds with the body, before the arguments')
  const initialize = await raw(call(2, 'initialize', { _meta: ENVELOPE }), { ...modernHeaders, 'mcp-method': 'initialize' })
  t.match(initialize, { status: 404, body: { id: 2, error: { code: -32601, message: 'Method not found: initialize left the protocol in 2026-07-28' } } },
    'a 2026-07-28 initialize left the protocol, whatever its params')
  t.match(await raw(call(3, 'tools/call', { name: 5 }), { accept: 'application/json' }), { status: 406 }, 'a 2025 client that takes one answer only')
  t.match(await raw({ jsonrpc: '2.0', method: 'tools/call', params: { name: 5 } }), { status: 202 }, 'a notification is never answered, even one in error')
  t.match(await raw(call(4, 'initialize', 'me')), { status: 400, body: { id: 4, error: { code: -32602, message: /^initialize needs params/ } } },
    'params that make no message still hear what their method takes')
  t.match(await raw({ jsonrpc: '1.0', id: 5, method: 'tools/list' }), { status: 400, body: { id: 5, error: { code: -32600 } } })
})

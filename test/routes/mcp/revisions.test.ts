/**
 * The two revisions on one endpoint, as the spec and the SDK's own entry tell them apart: the body
 * decides (an envelope claim is 2026-07-28, none is 2025), the headers are checked against it, and
 * each refusal has its code and status: -32020 for headers that disagree, -32602 for an envelope
 * that is missing or wrong, -32022 for a revision not served, 406 for a 2025 client that does not
 * take both answers, -32000 for a 2025 revision header not served. Each case once through the
 * functions, and the door's answers on the wire.
 */
import t from 'tap'
import {
  CLIENT_CAPABILITIES_KEY, CLIENT_INFO_KEY, LEGACY_VERSIONS, LOG_LEVEL_KEY, PROTOCOL_VERSION_KEY, headerProblem, negotiated, routeOf,
  unsupportedLegacyHeader, unsupportedModern
} from '../../../routes/mcp/revisions.js'
import { type Message, rpcErrorOf } from '../../../routes/mcp/json-rpc.js'
import type { Refusal } from '../../../lib/errors.js'
import { buildApp } from '../../helper.js'

const ENVELOPE = { [PROTOCOL_VERSION_KEY]: '2026-07-28', [CLIENT_INFO_KEY]: { name: 'test', version: '1.0.0' }, [CLIENT_CAPABILITIES_KEY]: {} }
const request = (method: string, params?: Record<string, unknown>): Message => ({ jsonrpc: '2.0', id: 7, method, ...(params !== undefined ? { params } : {}) })
const notification = (method: string, params?: Record<string, unknown>): Message => ({ jsonrpc: '2.0', method, ...(params !== undefined ? { params } : {}) })
const modern = (method: string, params: Record<string, unknown> = {}, meta: Record<string, unknown> = ENVELOPE) => request(method, { ...params, _meta: meta })
const HEADERS = { version: '2026-07-28', method: 'tools/list' }
/** A refusal as the door answers it: its status, and its JSON-RPC error's code, message and data. */
const seen = (refusal: Refusal) => {
  const { error } = rpcErrorOf(refusal)
  return { status: refusal.statusCode, ...error }
}

t.test('the body decides the revision', async t => {
  t.same(routeOf(request('tools/list'), {}), { revision: 'legacy', kind: 'request' })
  t.same(routeOf(notification('notifications/initialized'), {}), { revision: 'legacy', kind: 'notification' })
  t.same(routeOf({ jsonrpc: '2.0', id: 1, result: {} }, {}), { revision: 'legacy', kind: 'response' })
  t.same(routeOf(modern('tools/list'), HEADERS), { revision: 'modern', kind: 'request', version: '2026-07-28' })
  t.same(routeOf(modern('tools/list'), {}), { revision: 'modern', kind: 'request', version: '2026-07-28' }, 'a proxy that strips the headers does not ' +
    'change the revision (the headers are asked for later)')
  t.same(routeOf(request('initialize', { protocolVersion: '2025-06-18' }), { version: '2025-06-18' }), { revision: 'legacy', kind: 'request' })
  t.same(
    routeOf(modern('initialize'), { version: '2026-07-28', method: 'initialize' }),
    { revision: 'modern', kind: 'request', version: '2026-07-28' },
    'initialize with a valid claim is a 2026-07-28 request (which has no such method)'
  )
  t.same(
    routeOf(modern('tools/list', {}, { ...ENVELOPE, [PROTOCOL_VERSION_KEY]: '2025-06-18' }), {}),
    { revision: 'modern', kind: 'request', version: '2025-06-18' },
    'a claim naming another revision is refused as unsupported, later'
  )
  t.same(
    routeOf(notification('notifications/cancelled', { requestId: 1 }), { version: '2026-07-28', method: 'notifications/cancelled' }),
    { revision: 'modern', kind: 'notification', version: '2026-07-28' },
    'a notification has no envelope: the header tells'
  )
  t.same(routeOf(notification('notifications/x', { _meta: { [PROTOCOL_VERSION_KEY]: '2026-07-28' } }), {}), {
    revision: 'modern',
    kind: 'notification',
    version: '2026-07-28'
  })
})

t.test('headers that disagree with the body: -32020, status 400', async t => {
  const cases: Array<[Message, { version?: string; method?: string }, string, string]> = [
    [
      request('initialize', { protocolVersion: '2025-06-18' }),
      { version: '2026-07-28' },
      '2026-07-28',
      'an initialize request (legacy handshake) was ' + 'sent with a modern MCP-Protocol-Version header'
    ],
    [
      modern('tools/list'),
      { version: '2025-06-18' },
      '2025-06-18',
      'the body envelope names protocol version 2026-07-28 but the MCP-Protocol-Version ' + 'header names 2025-06-18'
    ],
    [
      modern('tools/list'),
      { version: '2026-07-28', method: 'prompts/list' },
      'prompts/list',
      'the body names method tools/list but the Mcp-Method ' + 'header names prompts/list'
    ],
    [
      notification('notifications/x', { _meta: { [PROTOCOL_VERSION_KEY]: '2026-07-28' } }),
      { version: '2027-01-01' },
      '2027-01-01',
      'the notification ' + 'envelope names protocol version 2026-07-28 but the MCP-Protocol-Version header names 2027-01-01'
    ],
    [
      notification('notifications/x', { _meta: { [PROTOCOL_VERSION_KEY]: '2026-07-28' } }),
      { method: 'notifications/y' },
      'notifications/y',
      'the notification body names method notifications/x but the Mcp-Method header names notifications/y'
    ],
    [
      notification('notifications/x'),
      { version: '2026-07-28', method: 'notifications/y' },
      'notifications/y',
      'the notification body names method ' + 'notifications/x but the Mcp-Method header names notifications/y'
    ]
  ]
  for (const [message, headers, header, body] of cases) {
    const route = routeOf(message, headers)
    t.same('refusal' in route && seen(route.refusal), {
      status: 400,
      code: -32020,
      message: `Bad Request: the request headers and body disagree: ${body}`,
      data: { mismatch: { header, body } }
    }, body)
  }
})

t.test('an envelope that is missing or wrong: -32602 naming the key', async t => {
  const issue = (meta: Record<string, unknown>, headers = HEADERS) => {
    const route = routeOf(modern('tools/list', {}, meta), headers)
    return 'refusal' in route ? seen(route.refusal) : undefined
  }
  const envelope = (key: string, problem: string) => ({
    status: 400,
    code: -32602,
    message: `Invalid _meta envelope for protocol revision 2026-07-28: ${key}: ${problem}`,
    data: { envelope: { key, problem } }
  })
  const { [CLIENT_CAPABILITIES_KEY]: _capabilities, ...noCapabilities } = ENVELOPE
  t.same(issue(noCapabilities), envelope(CLIENT_CAPABILITIES_KEY, 'missing'))
  t.same(issue({ ...ENVELOPE, [PROTOCOL_VERSION_KEY]: 5 }), envelope(PROTOCOL_VERSION_KEY, 'expected string, got a number'))
  t.same(issue({ ...ENVELOPE, [CLIENT_INFO_KEY]: 'me' }), envelope(CLIENT_INFO_KEY, 'expected object, got a string'))
  t.same(issue({ ...ENVELOPE, [CLIENT_INFO_KEY]: { name: 'a' } }), envelope(`${CLIENT_INFO_KEY}.version`, 'missing'))
  t.same(issue({ ...ENVELOPE, [CLIENT_CAPABILITIES_KEY]: null }), envelope(CLIENT_CAPABILITIES_KEY, 'expected object, got null'))
  t.same(issue({ ...ENVELOPE, [LOG_LEVEL_KEY]: 'loud' }), envelope(LOG_LEVEL_KEY, 'expected one of debug, info, notice, warning, error, critical, ' +
    'alert, emergency'))
  t.same(issue({ ...ENVELOPE, progressToken: {} }), envelope('progressToken', 'expected string or number, got an object'))
  t.equal(issue({ ...ENVELOPE, [LOG_LEVEL_KEY]: 'debug', progressToken: 3 }), undefined, 'a complete envelope')
  const noVersion = routeOf(notification('notifications/x', { _meta: { [PROTOCOL_VERSION_KEY]: [] } }), {})
  t.same(
    'refusal' in noVersion && noVersion.refusal.details.data,
    { envelope: { key: PROTOCOL_VERSION_KEY, problem: 'expected string, got an array' } },
    "a notification's claim is checked too"
  )

  const missing = (params: Record<string, unknown> | undefined) => {
    const route = routeOf(request('tools/list', params), HEADERS)
    return 'refusal' in route ? seen(route.refusal) : undefined
  }
  const without = (keys: string[]) => ({
    status: 400,
    code: -32602,
    message: 'Invalid params: the MCP-Protocol-Version header names protocol revision 2026-07-28, but the request is missing the required per-request ' +
      `envelope key(s): ${keys.join(', ')}`,
    data: { envelope: { missing: keys } }
  })
  t.same(missing(undefined), without(['_meta']), 'a 2026-07-28 header with no envelope at all')
  t.same(missing({ _meta: { [CLIENT_INFO_KEY]: ENVELOPE[CLIENT_INFO_KEY] } }), without([PROTOCOL_VERSION_KEY, CLIENT_CAPABILITIES_KEY]))
  t.same(missing({ _meta: { [CLIENT_CAPABILITIES_KEY]: {} } }), without([PROTOCOL_VERSION_KEY]))
})

t.test('the standard headers a 2026-07-28 request must carry, Mcp-Name decoded from its base64 sentinel', async t => {
  const call = modern('tools/call', { name: 'play_move' })
  const problem = (headers: { version?: string, method?: string, name?: string }, message = call) => {
    const refusal = headerProblem(message, '2026-07-28', headers)
    if (refusal !== undefined) t.match(seen(refusal), { status: 400, code: -32020 })
    return refusal?.message.replace('Bad Request: the request headers and body disagree: ', '')
  }
  const all = { version: '2026-07-28', method: 'tools/call', name: 'play_move' }
  t.equal(problem(all), undefined)
  t.equal(problem({ method: 'tools/call', name: 'play_move' }), 'the body envelope names protocol version 2026-07-28 but the required ' +
    'MCP-Protocol-Version header is absent')
  t.equal(problem({ version: '2026-07-28', name: 'play_move' }), 'the body names method tools/call but the required Mcp-Method header is absent')
  t.equal(problem({ version: '2026-07-28', method: 'tools/call' }), 'the body carries params.name="play_move" but the required Mcp-Name header is absent')
  t.equal(problem({ ...all, name: 'other' }), 'the body carries params.name="play_move" but the Mcp-Name header names "other"')
  t.equal(problem({ ...all, name: `=?base64?${Buffer.from('play_move').toString('base64')}?=` }), undefined, 'a base64 sentinel is decoded')
  t.equal(problem({ ...all, name: '=?base64?***?=' }), 'the Mcp-Name header carries an invalid Base64 sentinel value')
  t.equal(problem({ ...all, name: '=?base64?/w==?=' }), 'the Mcp-Name header carries an invalid Base64 sentinel value', 'bytes that are not UTF-8')
  t.equal(problem({ version: '2026-07-28', method: 'resources/read', name: 'ui://x' }, modern('resources/read', { uri: 'ui://y' })), 'the body ' +
    'carries params.uri="ui://y" but the Mcp-Name header names "ui://x"')
  t.equal(problem({ version: '2026-07-28', method: 'tools/call' }, modern('tools/call', {})), undefined, 'no name in the body, none asked for in the header')
  t.equal(problem({ version: '2026-07-28', method: 'tools/list', name: 'ignored' }, modern('tools/list')), undefined, 'a method that names nothing')
})

t.test('revisions served, and the one an initialize agrees on', async t => {
  t.equal(unsupportedModern('2026-07-28'), undefined)
  t.same(seen(unsupportedModern('2027-01-01') as Refusal), {
    status: 400,
    code: -32022,
    message: 'Unsupported protocol version: 2027-01-01',
    data: { supported: ['2026-07-28'], requested: '2027-01-01' }
  })
  for (const version of [undefined, ...LEGACY_VERSIONS]) t.equal(unsupportedLegacyHeader(version), undefined, String(version))
  t.same(seen(unsupportedLegacyHeader('2024-11-05') as Refusal), {
    status: 400,
    code: -32000,
    message: 'Bad Request: Unsupported protocol version: 2024-11-05 (supported versions: 2025-11-25, 2025-06-18, 2025-03-26)'
  })
  t.equal(negotiated('2025-06-18'), '2025-06-18')
  t.equal(negotiated('2025-03-26'), '2025-03-26')
  t.equal(negotiated('2024-11-05'), '2025-11-25', 'older than the door serves: its newest, and the client decides')
  t.equal(negotiated('2099-01-01'), '2025-11-25')
})

t.test('on the wire: each refusal with its status, and notifications taken with 202', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '100000' })
  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const res = await app.inject({
      method: 'POST',
      url: '/mcp',
      headers: {
        accept: 'application/json, text/event-stream',
        ...headers
      },
      payload: body as object
    })
    return { status: res.statusCode, body: res.body === '' ? undefined : res.json() }
  }
  const modernHeaders = (method: string, name?: string) => ({
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': method,
    ...(name !== undefined ? { 'mcp-name': name } : {})
  })
  t.match(await post(modern('tools/list'), { 'mcp-protocol-version': '2025-06-18' }), { status: 400, body: { id: 7, error: { code: -32020 } } })
  t.match(
    await post(modern('tools/list', {}, { ...ENVELOPE, [PROTOCOL_VERSION_KEY]: '2027-01-01' }), {
      ...modernHeaders('tools/list'),
      'mcp-protocol-version': '2027-01-01'
    }),
    { status: 400, body: { id: 7, error: { code: -32022, data: { requested: '2027-01-01' } } } }
  )
  t.same(await post(notification('notifications/cancelled', { requestId: 1 }), modernHeaders('notifications/cancelled')), { status: 202, body: undefined })
  t.match(await post(modern('tools/call', { name: 'play_move', arguments: {} }), modernHeaders('tools/call')), {
    status: 400,
    body: { id: 7, error: { code: -32020 } }
  })
  t.match(await post(modern('server/discover'), modernHeaders('server/discover')), {
    status: 200,
    body: { id: 7, result: { supportedVersions: ['2026-07-28'], resultType: 'complete', ttlMs: 300000, cacheScope: 'public' } }
  })
  for (const method of ['initialize', 'ping', 'logging/setLevel', 'subscriptions/listen', 'unknown/method']) {
    t.match(
      await post(modern(method), modernHeaders(method)),
      { status: 404, body: { id: 7, error: { code: -32601, message: 'Method not found' } } },
      `2026-07-28 has no ${method}`
    )
  }
  t.match(await post(request('unknown/method')), { status: 200, body: { id: 7, error: { code: -32601, message: 'Method not found' } } },
    '2025 answers an unknown method in the body')
  t.match(await post(request('server/discover')), {
    status: 200,
    body: { id: 7, error: { code: -32601, message: /^Method not found: server\/discover is a 2026-07-28 method: send it with the MCP-Protocol-Version: 2026-07-28/ } }
  }, 'a 2026-07-28 method sent without its envelope says how to send it')
  t.match(await post(modern('ping'), modernHeaders('ping')), { body: { error: { message: 'Method not found: ping left the protocol in 2026-07-28' } } })
  t.match(await post(request('tools/list'), { accept: 'application/json' }), {
    status: 406,
    body: {
      error: {
        code: -32000,
        message: 'Not Acceptable: Client must accept both application/json and text/event-stream'
      }
    }
  })
  t.match(await post(request('tools/list'), { 'mcp-protocol-version': '2024-11-05' }), { status: 400, body: { id: null, error: { code: -32000 } } })
  t.same(await post(notification('notifications/initialized')), { status: 202, body: undefined })
  t.same(await post({ jsonrpc: '2.0', id: 3, result: {} }), { status: 202, body: undefined }, 'a posted response is taken too')
  t.match(await post(request('initialize', { protocolVersion: '2025-06-18' })), {
    status: 400,
    body: {
      id: 7,
      error: {
        code: -32602,
        message: 'initialize needs params with protocolVersion (a string), capabilities and clientInfo (objects), as MCP clients send them.'
      }
    }
  })
  t.match(await post(request('initialize', { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'old', version: '1' } })), {
    status: 200,
    body: { result: { protocolVersion: '2025-11-25' } }
  })
  for (const id of [null, { a: 1 }, 1.5, 2 ** 60, -(2 ** 53)]) {
    t.match(await post({ jsonrpc: '2.0', id, method: 'ping' }), {
      status: 400,
      body: {
        error: {
          code: -32600,
          message: 'Bad Request: the request body is not a valid JSON-RPC message'
        }
      }
    }, `id ${JSON.stringify(id)}`)
  }
  t.match(await post({ jsonrpc: '2.0', id: 1.5, method: 'ping' }), { body: { id: null } }, 'an id no integer of JSON carries exactly is not echoed')
  t.match(await post('{"jsonrpc":"2.0","id":1e400,"method":"ping"}', { 'content-type': 'application/json' }), {
    status: 400,
    body: { id: null, error: { code: -32600 } }
  }, 'nor one past what a number holds')
  t.match(await post({ jsonrpc: '2.0', id: 2 ** 53 - 1, method: 'ping' }), { status: 200, body: { id: 2 ** 53 - 1 } }, 'an integer within 2^53 is an id')
  const text = await app.inject({
    method: 'POST',
    url: '/mcp',
    headers: { 'content-type': 'text/plain', accept: 'application/json, text/event-stream' },
    payload: '{"jsonrpc":"2.0","id":1,"method":"ping"}'
  })
  t.equal(text.statusCode, 415)
  t.same(text.json().error, { code: -32000, message: 'Unsupported Media Type: Content-Type must be application/json' })
})

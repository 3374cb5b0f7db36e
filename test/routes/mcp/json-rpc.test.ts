/** JSON-RPC at the MCP door: which bodies are messages, the ids answered with, and answers as text. */
import t from 'tap'
import { echoId, errorText, idOf, isMessage, isRequestId, jsonRpcError, kindOf, resultText } from '../../../routes/mcp/json-rpc.js'

t.test('a message is a request, a notification, a result or an error of JSON-RPC 2.0', async t => {
  for (const message of [
    { jsonrpc: '2.0', id: 1, method: 'tools/list' },
    { jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'play_move' } },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { jsonrpc: '2.0', id: 2, result: {} },
    { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }
  ]) t.ok(isMessage(message), JSON.stringify(message))
  for (const body of [
    { jsonrpc: '1.0', id: 1, method: 'ping' },
    { jsonrpc: '2.0', id: 1.5, method: 'ping' },
    { jsonrpc: '2.0', id: 2 ** 60, method: 'ping' },
    { jsonrpc: '2.0', id: true, method: 'ping' },
    { jsonrpc: '2.0', id: 1, method: 5 },
    { jsonrpc: '2.0', id: 1, method: 'ping', params: [1, 2] },
    { jsonrpc: '2.0', id: 1 },
    'ping',
    null
  ]) t.notOk(isMessage(body), JSON.stringify(body))
})

t.test('an id is a string or an integer JSON carries exactly', async t => {
  t.ok(isRequestId('x'))
  t.ok(isRequestId(Number.MAX_SAFE_INTEGER))
  t.notOk(isRequestId(Number.MAX_SAFE_INTEGER + 1))
  t.notOk(isRequestId(1.5))
  t.notOk(isRequestId(null))
})

t.test('an error answers with the message\'s own id only when it names a method and has a valid one', async t => {
  t.equal(echoId({ id: 7, method: 'tools/list' }), 7)
  t.equal(echoId({ id: 'a', method: 'x' }), 'a')
  t.equal(echoId({ id: 7 }), null, 'no method')
  t.equal(echoId({ id: 1.5, method: 'x' }), null, 'an id that would come back changed')
  t.equal(echoId([{ id: 7, method: 'x' }]), null, 'a batch')
  t.equal(echoId('text'), null)
  // A message refused for its shape answers with its id, whatever else it holds.
  t.equal(idOf({ id: 7, method: 5 }), 7)
  t.equal(idOf({ id: 1.5 }), null)
  for (const body of [null, 'text', 7, [{ id: 7 }]]) t.equal(idOf(body), null, JSON.stringify(body))
})

t.test('answers as text: a result\'s JSON goes in as it is; an error carries data only when given', async t => {
  t.equal(resultText(3, '{"tools":[]}'), '{"jsonrpc":"2.0","id":3,"result":{"tools":[]}}')
  t.same(JSON.parse(resultText('a"b', '{}')), { jsonrpc: '2.0', id: 'a"b', result: {} }, 'a string id is quoted as JSON')
  t.same(jsonRpcError(-32601, 'No.'), { jsonrpc: '2.0', error: { code: -32601, message: 'No.' }, id: null })
  t.same(JSON.parse(errorText(-32602, 'Bad.', 4, { field: 'x' })), { jsonrpc: '2.0', error: { code: -32602, message: 'Bad.', data: { field: 'x' } }, id: 4 })
})

t.test('kinds, as the messages name them', async t => {
  t.same([undefined, null, [], {}, 'x', 1, true].map(kindOf), ['nothing', 'null', 'an array', 'an object', 'a string', 'a number', 'a boolean'])
})

/** The door's method table: which revision has each method, what each names, what its params must be. */
import t from 'tap'
import { METHODS, hasMethod, kindOf, specOf } from '../../../routes/mcp/method-table.js'
import { buildApp } from '../../helper.js'

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
  const problem = (method: string, params: unknown): string | undefined => specOf(method)?.paramsProblem?.(params, tools)
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
  t.equal(problem('tools/list', 'anything'), undefined, 'a method with no params to check takes what it is given')
})

t.test('kinds, as the messages name them', async t => {
  t.same([undefined, null, [], {}, 'x', 1, true].map(kindOf), ['nothing', 'null', 'an array', 'an object', 'a string', 'a number', 'a boolean'])
})

/** A tool call's and a prompt's arguments: read as the action reads its query, checked against what the tool and the prompt list. */
import t from 'tap'
import { choicesOf, queryOf, unknownArguments } from '../../../../plugins/app/mcp-catalog/arguments.js'
import { buildApp } from '../../../helper.js'

t.test('arguments as a query: text, a list as a repeated parameter, nothing for null and an empty list', async t => {
  t.same(queryOf({ ai_player: 'X', position_1: 5, flag: true, board: { a: 1 } }), { ai_player: 'X', position_1: '5', flag: 'true', board: '{"a":1}' })
  t.same(queryOf({ one: ['X'], two: ['X', 'O'], none: [], gone: null, missing: undefined }), { one: 'X', two: ['X', 'O'] })
})

t.test('an argument the tool does not list is named, with the ones it does', async t => {
  const app = await buildApp(t)
  await app.ready()
  const action = app.mcpCatalog.tools.get('play_move')
  if (action === undefined) throw new Error('no play_move tool')
  t.equal(unknownArguments(action, { ai_player: 'X' }), undefined)
  t.match(unknownArguments(action, { ai_player: 'X', colour: 'red' }), /^play_move has no argument "colour": its arguments are .*ai_player.*\. Send only those\.$/)
  t.match(unknownArguments(action, { a: 1, b: 2, c: 3, d: 4 }), /^play_move has no argument "a", "b", "c" and others: /)

  const prompt = app.mcpCatalog.prompts.get('play_tictactoe')
  if (prompt === undefined) throw new Error('no play_tictactoe prompt')
  const [first] = prompt.arguments
  t.same(choicesOf(prompt), { choices: Object.fromEntries(prompt.arguments.map(choice => [choice.name, choice.fallback])) }, 'no arguments: the fallbacks')
  const chosen = choicesOf(prompt, { [first.name]: ` ${first.values[1].toUpperCase()} ` }) as { choices: Record<string, string> }
  t.equal(chosen.choices[first.name], first.values[1], 'trimmed, in any case')
  t.match(choicesOf(prompt, { [first.name]: 'nobody' }), { problem: new RegExp(`^${first.name} must be one of .* \\(got "nobody"\\)\\.$`) })
})

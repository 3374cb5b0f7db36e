/**
 * The two doors never diverge: for any input, a tool call through /mcp answers what the action's
 * HTTP route answers for the same input written as a query (a GPT's call): the same answer as
 * structured content, or the same message as a tool error. Checked over random boards, moves and
 * settings, and over bad inputs of every kind (values of the wrong type or out of range, marks in
 * another case, repeated or empty parameters, impossible boards), in both revisions.
 */
import fc from 'fast-check'
import t from 'tap'
import { buildApp } from '../../helper.js'

type Args = Record<string, string | number | boolean | null | Array<string | number>>

const CELL = fc.constantFrom('X', 'O', '', 'x', ' o ', 'Z', 'XO', ' ')
const VALUE = fc.oneof(
  CELL,
  fc.integer({ min: -2, max: 12 }),
  fc.constantFrom('5', ' 7 ', '1e1', '0x5', 'Infinity', '', 'hard', 'HARD', 'easy', 'medium', 'impossible', 'X', 'o'),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.integer({ min: 1, max: 9 }), CELL), { minLength: 1, maxLength: 3 }),
  fc.string({ maxLength: 6 })
)
const NAMES = [...Array.from({ length: 9 }, (_, i) => `position_${i + 1}`), 'human_position', 'ai_player', 'difficulty']

/** Mostly plausible calls (a board and a move), with bad values mixed in. */
const ARGS: fc.Arbitrary<Args> = fc.oneof(
  fc.record({
    board: fc.array(fc.constantFrom('X', 'O', '', '', ''), { minLength: 9, maxLength: 9 }),
    human: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
    ai: fc.option(fc.constantFrom('X', 'O'), { nil: undefined }),
    difficulty: fc.option(fc.constantFrom('easy', 'medium', 'hard'), { nil: undefined })
  }).map(({ board, human, ai, difficulty }) => {
    const args: Args = {}
    board.forEach((cell, i) => { if (cell !== '') args[`position_${i + 1}`] = cell })
    if (human !== undefined) args.human_position = human
    if (ai !== undefined) args.ai_player = ai
    if (difficulty !== undefined) args.difficulty = difficulty
    return args
  }),
  fc.dictionary(fc.constantFrom(...NAMES), VALUE, { maxKeys: 6 })
)

/** The arguments as a GPT writes them in a query: every value as text, a list as a repeated parameter. */
function queryOf (args: Args): string {
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(args)) {
    if (value === null) continue
    for (const one of Array.isArray(value) ? value : [value]) query.append(name, String(one))
  }
  return `/human_move?${query}`
}

const HTTP_HINT = 'See /openapi.json for the parameters.'
const TOOL_HINT = "See the tool's input schema."

for (const modern of [false, true]) {
  t.test(`a tool call answers what the HTTP route answers, for any input (${modern ? '2026-07-28' : '2025'})`, async t => {
    // One random source for both doors: medium and easy play the same move for the same board.
    const app = await buildApp(t, { RATE_LIMIT_MAX: '1000000' }, { random: () => 0.42 })
    const headers: Record<string, string> = { accept: 'application/json, text/event-stream' }
    const meta = modern
      ? {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientInfo': { name: 'doors-test', version: '1.0.0' },
          'io.modelcontextprotocol/clientCapabilities': {}
        }
      : undefined
    if (modern) Object.assign(headers, { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'play_move' })
    const kinds = { answered: 0, refused: 0 }
    await fc.assert(fc.asyncProperty(ARGS, async args => {
      const http = await app.inject(queryOf(args))
      const mcp = await app.inject({
        method: 'POST',
        url: '/mcp',
        headers,
        payload: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'play_move', arguments: args, ...(meta !== undefined ? { _meta: meta } : {}) } }
      })
      const result = mcp.json().result
      if (http.statusCode === 200) {
        kinds.answered++
        t.same(result?.structuredContent, http.json(), `answered alike: ${JSON.stringify(args)}`)
        return result?.isError === undefined
      }
      kinds.refused++
      const expected = String(http.json().message).replace(HTTP_HINT, TOOL_HINT)
      t.same(result?.content, [{ type: 'text', text: expected }], `refused alike: ${JSON.stringify(args)}`)
      return result?.isError === true
    }), { numRuns: modern ? 150 : 400 })
    t.ok(kinds.answered > 5 && kinds.refused > 5, `both kinds of outcome came up: ${kinds.answered} answered, ${kinds.refused} refused`)
  })
}

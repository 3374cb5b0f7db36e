/**
 * The published document against the real server over HTTP: an independent OpenAPI 3.1 validator
 * accepts it, its examples match their schemas, and every answer of complete games (200 and 400)
 * matches the response schema the document publishes, checked with Ajv on the document itself.
 */
import { Validator } from '@seriousme/openapi-schema-validator'
import t from 'tap'
import { DocumentContract } from '../../scripts/openapi-contract.js'
import { startServer } from '../process-helper.js'

const server = await startServer(t, { RATE_LIMIT_MAX: '10000' })
const document = await (await fetch(`${server.url}/openapi.json`)).json() as Record<string, unknown>
const contract = new DocumentContract(document)

t.test('an independent validator accepts the document as OpenAPI 3.1', async t => {
  const validator = new Validator()
  const result = await validator.validate(structuredClone(document))
  t.same(result.errors, undefined)
  t.equal(result.valid, true)
  t.equal(validator.version, '3.1')
})

t.test("the document's example values match their schemas", async t => {
  t.same(contract.checkExamples(), [])
})

async function call (query: URLSearchParams): Promise<{ status: number, body: any, problems: string[] }> {
  const res = await fetch(`${server.url}/human_move?${query}`)
  const body = await res.json()
  return { status: res.status, body, problems: contract.checkResponse('/human_move', 'get', res.status, res.headers.get('content-type') ?? '', body) }
}

t.test('complete games over HTTP: every answer matches the published schema', async t => {
  let answers = 0
  for (const difficulty of ['easy', 'medium', 'hard']) {
    for (const ai of ['O', 'X']) {
      for (let game = 0; game < 4; game++) {
        let positions: Record<string, string> = {}
        let first = ai === 'X'
        for (let turn = 0; turn < 9; turn++) {
          const query = new URLSearchParams({ ...positions, ai_player: ai, difficulty })
          const free = Object.keys(positions).length === 0 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : Object.entries(positions).filter(([, c]) => c === '').map(([n]) => Number(n.slice(9)))
          if (!first) query.set('human_position', String(free[(game * 3 + turn) % free.length]))
          first = false
          const { status, body, problems } = await call(query)
          answers++
          t.equal(status, 200)
          if (problems.length > 0) t.same(problems, [], `${difficulty} ${ai} game ${game} turn ${turn}`)
          positions = body.positions
          if (body.status === 'end') break
        }
      }
    }
  }
  t.ok(answers > 50, `${answers} answers checked`)
})

t.test('400 answers match the published error schema', async t => {
  const bad = ['position_1=Z', 'position_1=X&position_2=X', 'human_position=12', 'position_1=X&position_5=O&human_position=5', '']
  for (const query of bad) {
    const { status, body, problems } = await call(new URLSearchParams(query))
    t.equal(status, 400, query)
    t.same(problems, [], `${query}: ${body.message}`)
  }
})

t.test('a drifted answer would be caught', async t => {
  const { body } = await call(new URLSearchParams('position_1=X'))
  t.not(contract.checkResponse('/human_move', 'get', 200, 'application/json', { ...body, status: 'over' }).length, 0)
  t.not(contract.checkResponse('/human_move', 'get', 200, 'application/json', { ...body, board: [['X']] }).length, 0)
})

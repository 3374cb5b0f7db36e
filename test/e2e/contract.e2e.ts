/**
 * The published document against the real server over HTTP: an independent OpenAPI 3.1 validator
 * accepts it, its examples match their schemas, and every answer of complete games (200 and 400)
 * matches the response schema the document publishes, checked with Ajv on the document itself.
 * Twice, as a GPT makes its calls: with no sign-in, and signed in with an access token of a real
 * authorization server (oidc-provider on loopback), whose document declares OAuth.
 */
import { Validator } from '@seriousme/openapi-schema-validator'
import { SignJWT } from 'jose'
import t, { type Test } from 'tap'
import { DocumentContract } from '../../scripts/openapi-contract.js'
import { SCOPE, startIssuer } from '../oauth-issuer.js'
import { freePort, startBuiltServer } from '../process-helper.js'

/** The server, with sign-in or not, and the headers a GPT's calls carry to it. */
async function setUp (t: Test, signedIn: boolean): Promise<{ url: string, headers: Record<string, string> }> {
  const port = await freePort()
  const env: Record<string, string> = { RATE_LIMIT_MAX: '10000', PORT: String(port) }
  if (!signedIn) return { url: (await startBuiltServer(t, env)).url, headers: {} }
  const publicUrl = `http://127.0.0.1:${port}`
  const issuer = await startIssuer(t, { port: await freePort(), resource: `${publicUrl}/mcp` })
  const key = issuer.keys[0]
  const token = await new SignJWT({ scope: SCOPE }).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(issuer.url).setAudience(`${publicUrl}/mcp`).setSubject('contract-tester').setIssuedAt().setExpirationTime('30m').sign(key.privateKey)
  const server = await startBuiltServer(t, { ...env, PUBLIC_URL: publicUrl, OAUTH_ISSUER: issuer.url, OAUTH_SCOPES: SCOPE })
  return { url: server.url, headers: { authorization: `Bearer ${token}` } }
}

for (const signedIn of [false, true]) {
  t.test(signedIn ? 'signed in with an access token' : 'with no sign-in', async t => {
    const { url, headers } = await setUp(t, signedIn)
    const document = await (await fetch(`${url}/openapi.json`)).json() as Record<string, any>
    const contract = new DocumentContract(document)

    t.test('the document and the calls without credentials', async t => {
      t.equal((await fetch(`${url}/human_move?ai_player=X`)).status, signedIn ? 401 : 200)
      t.equal(document.components?.securitySchemes?.oauth2?.flows?.authorizationCode?.tokenUrl !== undefined, signedIn, 'OAuth is declared when ' +
        'sign-in is asked')
    })

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
      const res = await fetch(`${url}/human_move?${query}`, { headers })
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
              const free =
                Object.keys(positions).length === 0
                  ? [1, 2, 3, 4, 5, 6, 7, 8, 9]
                  : Object.entries(positions)
                    .filter(([, c]) => c === '')
                    .map(([n]) => Number(n.slice(9)))
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

    t.test('the opening and the 400 answers match the published schemas', async t => {
      const opening = await call(new URLSearchParams(''))
      t.equal(opening.status, 200, 'an empty board where the player moves first is a new game')
      t.same(opening.problems, [])
      const bad = ['position_1=Z', 'position_1=X&position_2=X', 'human_position=12', 'position_1=X&position_5=O&human_position=5', 'position_1=X&position_5=O']
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
  })
}

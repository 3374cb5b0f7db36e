/**
 * Players behind a chat host's shared addresses. ChatGPT calls from a few egress addresses and
 * names the person in each tools/call as `_meta["openai/subject"]`; its connector initializes again
 * for each batch of calls. From TRUSTED_NETWORKS each subject is a player with its own allowance,
 * and connecting never uses up anyone's moves; from anywhere else the same invented subjects are
 * capped by the address's ceiling. Claude names no one: its callers share the allowance the
 * operator sets for the address.
 */
import t from 'tap'
import { buildApp } from '../helper.js'

const CHATGPT = '203.0.113.7'
const ELSEWHERE = '198.51.100.20'
const PLAYERS = 300
const MAX = 3

type App = Awaited<ReturnType<typeof buildApp>>

async function send (app: App, from: string, message: Record<string, unknown>): Promise<{ status: number, body: Record<string, any> }> {
  const res = await app.inject({
    method: 'POST',
    url: '/mcp',
    remoteAddress: from,
    headers: { accept: 'application/json, text/event-stream', 'user-agent': 'openai-mcp/1.0.0' },
    payload: { jsonrpc: '2.0', ...message }
  })
  return { status: res.statusCode, body: res.body === '' ? {} : res.json() }
}

/** Connects as ChatGPT does (initialize, initialized, tools/list) and makes `moves` calls as `subject`. */
async function chatgptPlayer (app: App, from: string, subject: string, moves: number): Promise<Array<{ status: number, body: Record<string, any> }>> {
  await send(app, from, {
    id: 0,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'openai-mcp', version: '1.0.0' } }
  })
  await send(app, from, { method: 'notifications/initialized' })
  const list = await send(app, from, { id: 1, method: 'tools/list' })
  if (list.status !== 200) return [list]
  const answers = []
  for (let i = 0; i < moves; i++) {
    answers.push(await send(app, from, {
      id: 2 + i,
      method: 'tools/call',
      params: {
        name: 'play_move',
        arguments: { ai_player: 'X' },
        _meta: { 'openai/subject': subject, 'openai/session': `session-${subject}`, 'openai/locale': 'en-US', 'openai/userAgent': 'Mozilla/5.0' }
      }
    }))
  }
  return answers
}

const played = (answer: { status: number, body: Record<string, any> }): boolean => answer.status === 200 && answer.body.result?.isError !== true
const limited = (answer: { status: number, body: Record<string, any> }): boolean =>
  /^Too many calls/.test(answer.body.result?.content?.[0]?.text ?? answer.body.error?.message ?? '')

t.test(`${PLAYERS} ChatGPT players behind one trusted address: each plays its whole allowance, then is refused alone`, async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: String(MAX), TRUSTED_NETWORKS: '203.0.113.0/24', TRUSTED_ADDRESS_MAX: '100' })
  const refusedEarly: string[] = []
  const notRefused: string[] = []
  for (let player = 0; player < PLAYERS; player++) {
    const answers = await chatgptPlayer(app, CHATGPT, `v1/player-${player}`, MAX + 1)
    if (!answers.slice(0, MAX).every(played)) refusedEarly.push(`player ${player}: ${JSON.stringify(answers.find(answer => !played(answer))?.body)}`)
    if (!limited(answers[MAX])) notRefused.push(`player ${player}`)
  }
  t.same(refusedEarly, [], `every one of the ${PLAYERS * MAX} moves answered`)
  t.same(notRefused, [], 'each player\'s next move refused')
  const last = await chatgptPlayer(app, CHATGPT, 'v1/player-0', 1)
  t.match(last[0].body.result.content[0].text, new RegExp(`^Too many calls: at most ${MAX} a minute per player\\.`), 'for that player alone')
  t.ok(played((await chatgptPlayer(app, CHATGPT, 'v1/someone-new', 1))[0]), 'while a new player plays')
})

t.test(`the same ${PLAYERS} invented subjects from an untrusted address: capped by the address's ceiling`, async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: String(MAX), TRUSTED_NETWORKS: '203.0.113.0/24' })
  let moves = 0
  for (let player = 0; player < PLAYERS; player++) moves += (await chatgptPlayer(app, ELSEWHERE, `v1/player-${player}`, MAX)).filter(played).length
  t.ok(moves <= MAX * 10, `${moves} moves in all, at most ${MAX * 10} (ten players' allowances)`)
  t.ok(moves >= MAX, 'but not none')
})

t.test('Claude names no one: from a trusted address its callers share TRUSTED_ADDRESS_MAX', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: String(MAX), TRUSTED_NETWORKS: '160.79.104.0/21', TRUSTED_ADDRESS_MAX: '7' })
  const call = (id: number) => send(app, '160.79.104.9', { id, method: 'tools/call', params: { name: 'play_move', arguments: { ai_player: 'X' } } })
  const answers = []
  for (let i = 0; i < 8; i++) answers.push(await call(i))
  t.same(answers.map(played), [...Array(7).fill(true), false], 'seven moves between them, then none')
  t.match(answers[7].body.result.content[0].text, /^Too many calls: at most 7 a minute for everyone calling from this address without signing in\./)
  const elsewhere = await send(app, '160.79.112.1', { id: 9, method: 'tools/call', params: { name: 'play_move', arguments: { ai_player: 'X' } } })
  t.ok(played(elsewhere), 'an address outside the trusted networks is its own caller')
  const trustedDefault = await buildApp(t, { RATE_LIMIT_MAX: String(MAX), TRUSTED_NETWORKS: '160.79.104.0/21' })
  let count = 0
  for (let i = 0; i < MAX * 10 + 1; i++) {
    const res = await trustedDefault.inject({ url: '/human_move?ai_player=X', remoteAddress: '160.79.104.9' })
    if (res.statusCode === 200) count++
  }
  t.equal(count, MAX * 10, 'unset, ten players\' allowances')
})

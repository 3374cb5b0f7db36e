/** The player limit holds: forged ids and forged forwarded addresses buy nothing, or at most the address ceiling. */
import t from 'tap'
import { buildApp } from '../helper.js'

const KEY = 'a-very-secret-key-123'
const PLAY = '/human_move?ai_player=X'

async function answered (app: Awaited<ReturnType<typeof buildApp>>, calls: Array<{ headers?: Record<string, string>, remoteAddress?: string }>): Promise<number[]> {
  const codes: number[] = []
  for (const { headers = {}, remoteAddress = '127.0.0.1' } of calls) codes.push((await app.inject({ url: PLAY, headers, remoteAddress })).statusCode)
  return codes
}

const forgedIds = (count: number, extra: Record<string, string> = {}, prefix = 'u') =>
  Array.from({ length: count }, (_, i) => ({ headers: { 'openai-ephemeral-user-id': `${prefix}${i}`, ...extra } }))

t.test('without the key or a trusted network, rotating ids stops at the address ceiling', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '2' })
  const codes = await answered(app, forgedIds(30))
  t.equal(codes.filter(code => code === 200).length, 20, 'ten players\' allowances, no more')
  t.same(codes.slice(20), Array(10).fill(429))
  const refused = await app.inject({ url: PLAY, headers: { 'openai-ephemeral-user-id': 'u-new' } })
  t.match(refused.json().message, /^Too many calls: at most 20 a minute from one address\. Wait \d+ seconds, then try again\.$/)
  t.ok(Number(refused.headers['retry-after']) > 0)
  t.equal((await app.inject({ url: PLAY, remoteAddress: '10.0.0.9', headers: { 'openai-ephemeral-user-id': 'u-new' } })).statusCode, 200, 'another address has its own ceiling')
  t.same(await answered(app, [{ headers: { 'openai-ephemeral-user-id': 'solo' }, remoteAddress: '10.0.0.8' }, { headers: { 'openai-ephemeral-user-id': 'solo' }, remoteAddress: '10.0.0.8' }, { headers: { 'openai-ephemeral-user-id': 'solo' }, remoteAddress: '10.0.0.8' }]),
    [200, 200, 429], 'each id still has its own player limit')
})

t.test('with API_KEY the id is believed: every player has a full allowance', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '2', API_KEY: KEY })
  const codes = await answered(app, forgedIds(30, { authorization: `Bearer ${KEY}` }))
  t.same(codes, Array(30).fill(200))
})

t.test('from TRUSTED_NETWORKS the id is believed; from elsewhere the ceiling holds', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '1', TRUSTED_NETWORKS: '203.0.113.0/24, 2001:db8::/32' })
  const fromOpenAI = forgedIds(15).map(call => ({ ...call, remoteAddress: '203.0.113.7' }))
  t.same(await answered(app, fromOpenAI), Array(15).fill(200))
  // Other players: a believed id is one player wherever it calls from.
  const fromIpv6 = forgedIds(15, {}, 'v6-').map(call => ({ ...call, remoteAddress: '2001:db8::5' }))
  t.same(await answered(app, fromIpv6), Array(15).fill(200))
  const elsewhere = forgedIds(15, {}, 'x-').map(call => ({ ...call, remoteAddress: '198.51.100.1' }))
  t.equal((await answered(app, elsewhere)).filter(code => code === 200).length, 10)
})

t.test('behind a known number of proxies, a forged X-Forwarded-For prefix changes nothing', async t => {
  for (const trust of ['1', '127.0.0.1', '127.0.0.0/8,10.0.0.0/8']) {
    const app = await buildApp(t, { RATE_LIMIT_MAX: '2', TRUST_PROXY: trust })
    const calls = Array.from({ length: 6 }, (_, i) => ({ headers: { 'x-forwarded-for': `198.51.100.${i}, 192.0.2.44` } }))
    t.same(await answered(app, calls), [200, 200, 429, 429, 429, 429], `TRUST_PROXY=${trust}: the caller is 192.0.2.44 each time`)
  }
})

t.test('the open routes count per address, apart from the plays', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '1' })
  for (let i = 0; i < 10; i++) t.equal((await app.inject({ url: '/health', headers: { 'openai-ephemeral-user-id': `u${i}` } })).statusCode, 200)
  t.equal((await app.inject({ url: '/health', headers: { 'openai-ephemeral-user-id': 'u-other' } })).statusCode, 429, 'ids do not multiply the open allowance')
  t.equal((await app.inject(PLAY)).statusCode, 200, 'the plays have their own counter')
})

/** The player limit holds: forged ids and forged forwarded addresses buy nothing, or at most the address ceiling. */
import t from 'tap'
import { buildApp } from '../../helper.js'

const KEY = 'a-very-secret-key-123'
const PLAY = '/human_move?ai_player=X'

async function answered (
  app: Awaited<ReturnType<typeof buildApp>>,
  calls: Array<{ headers?: Record<string, string>; remoteAddress?: string }>
): Promise<number[]> {
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
  t.equal(
    (await app.inject({ url: PLAY, remoteAddress: '10.0.0.9', headers: { 'openai-ephemeral-user-id': 'u-new' } })).statusCode,
    200,
    'another address has its own ceiling'
  )
  t.same(
    await answered(app, [
      { headers: { 'openai-ephemeral-user-id': 'solo' }, remoteAddress: '10.0.0.8' },
      { headers: { 'openai-ephemeral-user-id': 'solo' }, remoteAddress: '10.0.0.8' },
      { headers: { 'openai-ephemeral-user-id': 'solo' }, remoteAddress: '10.0.0.8' }
    ]),
    [200, 200, 429],
    'each id still has its own player limit'
  )
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

t.test('an exhausted count survives a flood of new ids from its address within its minute', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '2' })
  t.same(await answered(app, [{}, {}, {}]), [200, 200, 429], 'the address has spent its allowance')
  // More new ids than the old store held (5,000): past the ceiling, each is refused before it makes a count.
  const flood = await answered(app, forgedIds(5100, {}, 'flood-'))
  t.equal(flood.filter(code => code === 200).length, 20, 'the flood got the ceiling, no more')
  t.equal((await app.inject(PLAY)).statusCode, 429, 'and the address is still refused')
})

t.test('IPv6 addresses count per /64; an IPv4-mapped address is its IPv4 one', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '2' })
  t.same(
    await answered(app, [{ remoteAddress: '2001:db8:0:7::1' }, { remoteAddress: '2001:db8:0:7::2' }, { remoteAddress: '2001:db8:0:7:ffff:ffff:ffff:ffff' }]),
    [200, 200, 429],
    'one /64, one allowance'
  )
  t.same(await answered(app, [{ remoteAddress: '2001:db8:0:8::1' }]), [200], 'the next /64 is another caller')
  t.same(await answered(app, [{ remoteAddress: '::ffff:10.0.0.1' }, { remoteAddress: '10.0.0.1' }, { remoteAddress: '10.0.0.1' }]), [200, 200, 429])
})

t.test('the ceiling holds when calls with new ids race each other', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '1' })
  const codes = await Promise.all(
    Array.from({ length: 40 }, (_, i) => app.inject({ url: PLAY, headers: { 'openai-ephemeral-user-id': `race-${i}` } }).then(res => res.statusCode))
  )
  // Each call is let in by the read before the race is spent, and the spending refuses those past
  // the ceiling. (In memory, @fastify/rate-limit hands every racer the same live counter, so a
  // burst on one key reads the count after the whole burst: it refuses more, never fewer.)
  t.ok(codes.filter(code => code === 200).length <= 10, `at most ten players' allowances (${codes.filter(code => code === 200).length} answered)`)
  t.equal((await app.inject({ url: PLAY, headers: { 'openai-ephemeral-user-id': 'after-the-race' } })).statusCode, 429, 'and the ceiling is spent')
})

t.test('a signed-in subject is the player, wherever it calls from and whatever id it sends', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '2' })
  // What the sign-in plugin sets for a valid token (plugins/app/auth.ts).
  app.addHook('onRequest', async request => { request.subject = request.headers['x-test-subject'] as string })
  const as = (subject: string, remoteAddress: string, id: string) => ({ remoteAddress, headers: { 'x-test-subject': subject, 'openai-ephemeral-user-id': id } })
  t.same(await answered(app, [as('alice', '10.0.0.1', 'a'), as('alice', '10.0.0.2', 'b'), as('alice', '10.0.0.3', 'c')]), [200, 200, 429])
  t.same(await answered(app, [as('bob', '10.0.0.1', 'a')]), [200], 'another subject from the same address is another player')
})

t.test('rate limit: RATE_LIMIT_MAX a minute per ChatGPT user, else per address; 429 with Retry-After', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '3' })
  const call = (headers: Record<string, string> = {}, remoteAddress = '10.0.0.1') => app.inject({ url: PLAY, headers, remoteAddress })
  for (let i = 0; i < 3; i++) t.equal((await call({ 'openai-ephemeral-user-id': 'user-a' })).statusCode, 200)
  const limited = await call({ 'openai-ephemeral-user-id': 'user-a' })
  t.equal(limited.statusCode, 429)
  t.ok(Number(limited.headers['retry-after']) > 0, `Retry-After: ${limited.headers['retry-after']}`)
  t.match(limited.json(), {
    statusCode: 429,
    error: 'Too Many Requests',
    message: /^Too many calls: at most 3 a minute per player\. Wait \d+ seconds, then try again\.$/
  })
  t.equal((await call({ 'openai-ephemeral-user-id': 'user-b' })).statusCode, 200, 'another ChatGPT user from the same address is not limited')
  for (let i = 0; i < 3; i++) t.equal((await call({}, '10.0.0.2')).statusCode, 200)
  t.equal((await call({}, '10.0.0.2')).statusCode, 429, 'without the header, the address is the caller')
  t.equal((await call({}, '10.0.0.3')).statusCode, 200)
  for (let i = 0; i < 5; i++) t.equal((await app.inject({ url: '/health', remoteAddress: '10.0.0.2' })).statusCode, 200, 'pages and health count apart')
})

t.test('the other routes have their own, ten times larger allowance', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '1' })
  for (let i = 0; i < 10; i++) t.equal((await app.inject({ url: '/health', remoteAddress: '10.0.0.9' })).statusCode, 200)
  const limited = await app.inject({ url: '/privacy', remoteAddress: '10.0.0.9' })
  t.equal(limited.statusCode, 429)
  t.match(limited.json().message, /^Too many calls: at most 10 a minute per client\./)
  t.equal((await app.inject({ url: PLAY, remoteAddress: '10.0.0.9' })).statusCode, 200, 'the action counter is separate')
})

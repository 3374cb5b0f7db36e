/** The Redis counter store against a real redis-server: one INCR a call, the window set once and repaired, errors passed on. */
import { Redis } from 'ioredis'
import t, { type Test } from 'tap'
import { type Send, redisCounts } from '../../lib/redis-counts.js'
import { freePort, startRedis } from '../process-helper.js'

const WINDOW_MS = 60_000

/** A client of a redis-server of the test's own. */
async function redisClient (t: Test): Promise<Redis> {
  const port = await freePort()
  await startRedis(t, port)
  const client = new Redis({ port, lazyConnect: true })
  await client.connect()
  t.teardown(() => { client.disconnect() })
  return client
}

t.test('counts, windows and reads', async t => {
  const client = await redisClient(t)
  const send: Send = async commands => await commands(client)
  const Store = redisCounts(send, 'test:')
  const store = new Store({})
  t.equal(store.child({} as never), store, 'every limiter counts in the one namespace')
  const incr = async (key: string, max: number): Promise<{ current: number, ttl: number }> => await new Promise((resolve, reject) => {
    store.incr(key, (error, result) => { if (error !== null) reject(error); else resolve(result as { current: number, ttl: number }) }, WINDOW_MS, max)
  })
  const read = async (key: string): Promise<{ current: number, ttl: number }> => await new Promise((resolve, reject) => {
    (store as unknown as { read: (key: string, done: (error: Error | null, result?: { current: number, ttl: number }) => void) => void })
      .read(key, (error, result) => { if (error !== null) reject(error); else resolve(result as { current: number, ttl: number }) })
  })

  t.same(await read('{p}a'), { current: 0, ttl: 0 }, 'no count yet')
  t.same(await incr('{p}a', 2), { current: 1, ttl: WINDOW_MS }, 'the first call starts the window')
  await new Promise(resolve => setTimeout(resolve, 20))
  const ttl = await client.pttl('test:{p}a')
  t.ok(ttl > WINDOW_MS - 1000 && ttl <= WINDOW_MS, `its expiry is set (${ttl} ms left)`)
  t.same((await incr('{p}a', 2)).current, 2)
  const past = await incr('{p}a', 2)
  t.equal(past.current, 3)
  t.ok(past.ttl > 0 && past.ttl < WINDOW_MS, `past the allowance, the time left in the window (${past.ttl} ms)`)
  const seen = await read('{p}a')
  t.equal(seen.current, 3, 'read: the count, not moved')
  t.ok(seen.ttl > 0 && seen.ttl <= WINDOW_MS)
  t.equal((await read('{p}a')).current, 3)

  // A count whose PEXPIRE was lost: it gets its window the first time it is found past the allowance.
  await client.set('test:{p}lost', '2')
  t.same(await incr('{p}lost', 2), { current: 3, ttl: WINDOW_MS })
  await new Promise(resolve => setTimeout(resolve, 20))
  t.ok(await client.pttl('test:{p}lost') > 0, 'the count has a window again')
})

t.test('a window that cannot be set is left for later; an error is passed on', async t => {
  const client = await redisClient(t)
  // Everything but PEXPIRE reaches Redis.
  const withoutExpiry: Send = async commands => await commands(new Proxy(client, {
    get: (target, name) => name === 'pexpire' ? async () => { throw new Error('lost') } : Reflect.get(target, name).bind(target)
  }))
  const Store = redisCounts(withoutExpiry, 'test:')
  const store = new Store({})
  const result = await new Promise(resolve => { store.incr('{p}b', (error, result) => { resolve({ error, result }) }, WINDOW_MS, 5) })
  t.same(result, { error: null, result: { current: 1, ttl: WINDOW_MS } }, 'the call is counted')
  await new Promise(resolve => setTimeout(resolve, 20))
  t.equal(await client.pttl('test:{p}b'), -1, 'no window yet')

  const failing: Send = async () => { throw new Error('Command timed out') }
  const Broken = redisCounts(failing, 'test:')
  const broken = new Broken({})
  const error = await new Promise(resolve => { broken.incr('{p}c', error => { resolve(error?.message) }, WINDOW_MS, 5) })
  t.equal(error, 'Command timed out', 'incr passes the error on (the rate limit then lets the call through)')
  const readError = await new Promise(resolve => {
    (broken as unknown as { read: (key: string, done: (error: Error | null) => void) => void }).read('{p}c', error => { resolve(error?.message) })
  })
  t.equal(readError, 'Command timed out', 'read too')
})

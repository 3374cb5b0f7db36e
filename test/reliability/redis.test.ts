/**
 * The shared rate limit against a real redis-server (Debian's; .ci/run installs it): two server
 * processes with one REDIS_URL share the count per player, exactly, even for calls sent at once; with Redis killed both keep answering
 * every call at once, and each logs one line when the outage starts and one when it ends; with
 * Redis back the shared limit holds again, with no restart.
 */
import { once } from 'node:events'
import t from 'tap'
import { freePort, startRedis, startServer } from '../process-helper.js'

async function waitFor (condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms
  while (!condition() && Date.now() < until) await new Promise(resolve => setTimeout(resolve, 50))
  if (!condition()) throw new Error(`timed out waiting for ${what}`)
}

const count = (text: string, message: string): number => text.split('\n').filter(line => line.includes(`"msg":"${message}`)).length

t.test('two replicas, one count per player; Redis down: every call answered at once; Redis back: shared again', async t => {
  const redisPort = await freePort()
  let redis = await startRedis(t, redisPort)
  const env = { REDIS_URL: `redis://127.0.0.1:${redisPort}`, RATE_LIMIT_MAX: '3', API_KEY: 'a-very-secret-key-123' }
  const replicas = [await startServer(t, env), await startServer(t, env)]
  for (const replica of replicas) await waitFor(() => replica.output().includes('Redis connected'), 'the replica to connect to Redis')

  let player = 0
  /** One play as a player, alternating between the replicas; its status and how long it took. */
  const play = async (id: string, replica: number): Promise<{ status: number, ms: number }> => {
    const started = Date.now()
    const res = await fetch(`${replicas[replica].url}/human_move?ai_player=X`, {
      headers: { authorization: 'Bearer a-very-secret-key-123', 'openai-ephemeral-user-id': id }
    })
    await res.arrayBuffer()
    return { status: res.status, ms: Date.now() - started }
  }
  const sharedLimit = async (): Promise<number[]> => {
    const id = `player-${player++}`
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await play(id, i % 2)).status)
    return statuses
  }

  t.same(await sharedLimit(), [200, 200, 200, 429, 429, 429], 'three plays in all across both replicas, then 429 on both')
  // At once, 40 calls of one player split between the replicas: exactly the allowance is granted.
  const burst = await Promise.all(Array.from({ length: 40 }, async (_, i) => (await play('burst', i % 2)).status))
  t.equal(burst.filter(status => status === 200).length, 3, 'three of 40 calls sent at once to both replicas')
  t.equal(burst.filter(status => status === 429).length, 37)

  redis.kill('SIGKILL')
  await once(redis, 'exit')
  const during: Array<{ status: number, ms: number }> = []
  for (let i = 0; i < 20; i++) during.push(await play(`outage-${i % 2}`, i % 2))
  t.ok(during.every(call => call.status === 200), 'every call answered, none limited or failed')
  t.ok(during.every(call => call.ms < 1000), `each within a second (slowest ${Math.max(...during.map(call => call.ms))} ms)`)
  for (const replica of replicas) await waitFor(() => count(replica.output(), 'Redis is unreachable') === 1, 'the outage line')

  redis = await startRedis(t, redisPort)
  for (const replica of replicas) await waitFor(() => replica.output().includes('Redis is back'), 'Redis to be seen again')
  t.same(await sharedLimit(), [200, 200, 200, 429, 429, 429], 'the shared limit holds again, with no restart')
  for (const [i, replica] of replicas.entries()) {
    t.equal(count(replica.output(), 'Redis is unreachable'), 1, `replica ${i}: one line when the outage started`)
    t.equal(count(replica.output(), 'Redis is back'), 1, `replica ${i}: one line when it ended`)
    t.notMatch(replica.output(), /"statusCode":5\d\d/, `replica ${i}: no 5xx`)
  }
})

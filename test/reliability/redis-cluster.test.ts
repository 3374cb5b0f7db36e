/**
 * The shared rate limit on a Redis Cluster of three masters (Debian's redis-server): REDIS_URL names
 * one node, and the service counts on all three masters; the allowance holds whichever master a
 * player's count is on; with a master gone, calls are answered at once, uncounted where its slots
 * were; with it back, every player's allowance holds again.
 */
import { execFileSync } from 'node:child_process'
import t from 'tap'
import { REDIS_NAMESPACE } from '../../plugins/app/rate-limit.js'
import { buildApp, until } from '../helper.js'
import { startRedisCluster } from '../process-helper.js'

const KEY = 'a-very-secret-key-123'
const cli = (port: number, ...args: string[]): string => execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).trim()

t.test('a cluster: counted on every master, one slot per call, fail-open without a master, whole again when it is back', async t => {
  const cluster = await startRedisCluster(t)
  const logs: Array<Record<string, unknown>> = []
  const app = await buildApp(t, { REDIS_URL: `redis://127.0.0.1:${cluster.ports[1]}`, RATE_LIMIT_MAX: '2', API_KEY: KEY }, { logs })
  await app.ready()
  await until(() => logs.some(line => line.msg === 'Redis is a cluster: the rate limit is counted on its masters'))
  await until(() => app.redis?.status === 'ready')

  const play = async (player: string): Promise<{ status: number, ms: number }> => {
    const started = performance.now()
    const { statusCode } = await app.inject({
      url: '/human_move?ai_player=X',
      headers: { authorization: `Bearer ${KEY}`, 'openai-ephemeral-user-id': player }
    })
    return { status: statusCode, ms: performance.now() - started }
  }
  const allowance = async (player: string): Promise<number[]> => [(await play(player)).status, (await play(player)).status, (await play(player)).status]

  const players = Array.from({ length: 30 }, (_, i) => `player-${i}`)
  for (const player of players) t.same(await allowance(player), [200, 200, 429], `${player}: two plays, then 429`)
  const keysOn = cluster.ports.map(port => Number(cli(port, 'dbsize')))
  t.ok(keysOn.every(keys => keys > 0), `counts on every master (${keysOn.join(', ')} keys)`)
  t.equal(keysOn.reduce((a, b) => a + b), players.length, 'one count per player')
  // The counts a call from an id that cannot be believed spends (its own and its address's ceiling) share a slot.
  const unverified = [`${REDIS_NAMESPACE}{ip:127.0.0.1}id:127.0.0.1:someone:GET/human_move`, `${REDIS_NAMESPACE}{ip:127.0.0.1}ceiling`]
  t.equal(cli(cluster.ports[0], 'cluster', 'keyslot', unverified[0]), cli(cluster.ports[0], 'cluster', 'keyslot', unverified[1]))

  cluster.nodes[0].kill('SIGKILL')
  const during = []
  const outageStarted = Date.now()
  for (const player of players) during.push(await play(`outage-${player}`))
  t.ok(during.every(call => call.status === 200), 'every call answered while a master is gone')
  t.ok(during.every(call => call.ms < 1000), `each within a second (slowest ${Math.round(Math.max(...during.map(call => call.ms)))} ms)`)

  t.comment(`outage calls took ${Date.now() - outageStarted} ms`)
  const restarted = Date.now()
  await cluster.restart(0)
  await cluster.healthy()
  const fresh = players.map(player => `back-${player}`)
  // The client finds the master again on its own: wait until ten new players in a row are counted.
  for (let round = 0, end = Date.now() + 20_000; Date.now() < end; round++) {
    const counted = await Promise.all(Array.from({ length: 10 }, async (_, i) => (await allowance(`probe-${round}-${i}`))[2] === 429))
    if (counted.every(Boolean)) break
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  t.comment(`counted again ${Date.now() - restarted} ms after the restart`)
  for (const player of fresh) t.same(await allowance(player), [200, 200, 429], `${player}: the allowance holds again`)
  const said = (text: string): unknown[] => logs.filter(line => String(line.msg).startsWith(text)).map(line => line.redis)
  t.same(said('A Redis cluster node is unreachable'), [`127.0.0.1:${cluster.ports[0]}`], 'one line when the master went')
  t.same(said('The Redis cluster node is back'), [`127.0.0.1:${cluster.ports[0]}`], 'one line when it came back')
  await app.close()
  t.equal(said('A Redis cluster node is unreachable').length, 1, 'nothing said of the nodes as the service stops')
  t.notOk(logs.some(line => (line.level as number) >= 50), 'nothing logged as an error')
})

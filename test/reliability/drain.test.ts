/**
 * A real drain: the server in its own process under load from many keep-alive clients, as a load
 * balancer keeps them. On SIGTERM /health turns 503 at once, answers keep coming through the drain
 * window (each closing its connection), no request is reset, and the process exits 0. Connections
 * left idle from before the drain are closed within it, and a tracing endpoint that hangs or
 * refuses never makes the stop late.
 */
import { once } from 'node:events'
import { Agent, request } from 'node:http'
import { type AddressInfo, type Socket, createServer } from 'node:net'
import t from 'tap'
import { exitOf, startServer } from '../process-helper.js'

const CLIENTS = 60
const DRAIN_MS = 2500
/** server.ts's SHUTDOWN_DELAY_MS: how long the stop may take after the drain (importing server.ts would start it). */
const SHUTDOWN_DELAY_MS = 4000

interface Outcome { status: number, connection: string | undefined, sent: number }

function get (port: number, path: string, agent: Agent): Promise<Outcome> {
  const sent = Date.now()
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, res => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode as number, connection: res.headers.connection, sent }))
    })
    req.on('error', reject)
    req.end()
  })
}

t.test('SIGTERM under keep-alive load: 503 on /health, answers through the window, zero resets, exit 0', async t => {
  const { port, child, output } = await startServer(t, { SHUTDOWN_DRAIN_MS: String(DRAIN_MS), RATE_LIMIT_MAX: '1000000' })
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS })
  t.teardown(() => agent.destroy())
  const outcomes: Outcome[] = []
  const errors: string[] = []
  // Each client sends again as soon as it is answered, like a busy load balancer, until it is told
  // when to stop: halfway through the window on the server's clock, as a load balancer stops once
  // /health has said 503 long enough, leaving the requests in flight the other half to be answered
  // (on a crowded machine, 60 clients' last requests took more than 800 ms to be read). The stop is a time read before each send, not a timer,
  // so a busy machine that runs this process's timers late cannot push sends past the window.
  const load = { stopAt: Infinity }
  const clients = Array.from({ length: CLIENTS }, async (_, i) => {
    while (Date.now() < load.stopAt) {
      try {
        outcomes.push(await get(port, `/human_move?human_position=${(i % 9) + 1}`, agent))
      } catch (error) {
        errors.push((error as Error & { code?: string }).code ?? String(error))
      }
    }
  })
  await new Promise(resolve => setTimeout(resolve, 700))
  child.kill('SIGTERM')
  // Asked once the server has said it drains, however long a busy machine takes to get there.
  const drainingLine = () => output().split('\n').find(line => line.includes('"msg":"draining'))
  for (let i = 0; i < 500 && drainingLine() === undefined; i++) await new Promise(resolve => setTimeout(resolve, 20))
  // The window starts when the server says it drains (its own clock, the machine's), not when the
  // signal was sent: a busy machine can take a while to deliver and handle it.
  const drainedAt = Number((JSON.parse(drainingLine() ?? '{}') as { time?: number }).time)
  t.ok(drainedAt > 0, 'the server said when it started draining')
  load.stopAt = drainedAt + DRAIN_MS / 2
  const health = await get(port, '/health', new Agent())
  t.equal(health.status, 503, '/health says the replica is going away')
  await Promise.all(clients)

  // A request sent after the draining line is handled after the drain began (the line and the
  // drain are one tick).
  const during = outcomes.filter(outcome => outcome.sent > drainedAt + 1)
  t.same(errors, [], 'no request was reset or refused')
  t.ok(during.length >= CLIENTS, `${during.length} of ${outcomes.length} answers to requests sent during the drain window: each client kept being answered`)
  t.ok(outcomes.every(outcome => outcome.status === 200), 'every answer a 200')
  t.ok(during.every(outcome => outcome.connection === 'close'), 'every answer to a request sent in the window closes its connection')
  t.equal(await exitOf(child), 0)
  t.match(output(), '"drainMs":2500')
})

t.test('keep-alive connections left idle from before the drain are closed during it, and their clients are answered at its end', async t => {
  const { port, child, output } = await startServer(t, { SHUTDOWN_DRAIN_MS: String(DRAIN_MS), RATE_LIMIT_MAX: '1000000' })
  const IDLE = 8
  const agents = Array.from({ length: IDLE }, () => new Agent({ keepAlive: true, maxSockets: 1 }))
  t.teardown(() => { for (const agent of agents) agent.destroy() })
  for (const agent of agents) t.equal((await get(port, '/health', agent)).status, 200)
  const idleSockets = () => agents.reduce((count, agent) => count + Object.values(agent.freeSockets).flat().length, 0)
  t.equal(idleSockets(), IDLE, 'each client keeps its connection, idle')
  child.kill('SIGTERM')
  const drainingLine = () => output().split('\n').find(line => line.includes('"msg":"draining'))
  for (let i = 0; i < 500 && drainingLine() === undefined; i++) await new Promise(resolve => setTimeout(resolve, 20))
  const drainedAt = Number((JSON.parse(drainingLine() ?? '{}') as { time?: number }).time)
  // Past half the window the idle connections are closed; the stop comes at its end.
  await new Promise(resolve => setTimeout(resolve, Math.max(0, drainedAt + DRAIN_MS * 0.8 - Date.now())))
  t.equal(idleSockets(), 0, 'no idle connection is left for the stop to reset')
  const answers = await Promise.allSettled(agents.map(async agent => await get(port, '/human_move?ai_player=X', agent)))
  t.same(answers.map(answer => answer.status === 'fulfilled' ? answer.value.status : (answer.reason as { code?: string }).code), Array(IDLE).fill(200),
    'each client\'s next request is answered on a fresh connection')
  t.equal(await exitOf(child), 0)
})

for (const endpoint of ['hangs', 'refuses connections'] as const) {
  t.test(`SIGTERM while the tracing endpoint ${endpoint}: exit 0 within the stop's budget`, async t => {
    const sockets = new Set<Socket>()
    const collector = createServer(socket => { sockets.add(socket) })
    collector.listen(0, '127.0.0.1')
    await once(collector, 'listening')
    const collectorPort = (collector.address() as AddressInfo).port
    if (endpoint === 'refuses connections') collector.close()
    t.teardown(() => { for (const socket of sockets) socket.destroy(); collector.close() })
    const { port, child } = await startServer(t, {
      SHUTDOWN_DRAIN_MS: '500',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`,
      OTEL_BSP_SCHEDULE_DELAY: '60000'
    })
    // Spans waiting in the batch, for the stop to flush.
    for (let i = 0; i < 5; i++) t.equal((await get(port, '/human_move?ai_player=X', new Agent())).status, 200)
    const signalled = Date.now()
    child.kill('SIGTERM')
    t.equal(await exitOf(child), 0, 'exit 0')
    const took = Date.now() - signalled
    t.ok(took < 500 + SHUTDOWN_DELAY_MS, `stopped in ${took} ms, within the drain and the ${SHUTDOWN_DELAY_MS} ms after it`)
  })
}

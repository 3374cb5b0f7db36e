/**
 * A real drain: the server in its own process under load from many keep-alive clients, as a load
 * balancer keeps them. On SIGTERM /health turns 503 at once, answers keep coming through the drain
 * window (each closing its connection), no request is reset, and the process exits 0.
 */
import { Agent, request } from 'node:http'
import t from 'tap'
import { exitOf, startServer } from '../process-helper.js'

const CLIENTS = 60
const DRAIN_MS = 2500

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

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
  const load = { sending: true }
  // Each client sends again as soon as it is answered, like a busy load balancer; it stops a little
  // before the window ends, as a load balancer does once /health has said 503 long enough.
  const clients = Array.from({ length: CLIENTS }, async (_, i) => {
    while (load.sending) {
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
  for (let i = 0; i < 100 && !output().includes('"msg":"draining'); i++) await new Promise(resolve => setTimeout(resolve, 20))
  const health = await get(port, '/health', new Agent())
  t.equal(health.status, 503, '/health says the replica is going away')
  await new Promise(resolve => setTimeout(resolve, DRAIN_MS - 600))
  load.sending = false
  await Promise.all(clients)

  // The window starts when the server says it drains (its own clock, the machine's), not when the
  // signal was sent: a busy machine can take a while to deliver and handle it. A request sent
  // after that line is handled after the drain began (the line and the drain are one tick).
  const draining = output().split('\n').find(line => line.includes('"msg":"draining'))
  const drainedAt = Number((JSON.parse(draining ?? '{}') as { time?: number }).time)
  t.ok(drainedAt > 0, 'the server said when it started draining')
  const during = outcomes.filter(outcome => outcome.sent > drainedAt + 1)
  t.same(errors, [], 'no request was reset or refused')
  t.ok(during.length >= CLIENTS, `${during.length} of ${outcomes.length} answers to requests sent during the drain window: each client kept being answered`)
  t.ok(outcomes.every(outcome => outcome.status === 200), 'every answer a 200')
  t.ok(during.every(outcome => outcome.connection === 'close'), 'every answer to a request sent in the window closes its connection')
  t.equal(await exitOf(child), 0)
  t.match(output(), '"drainMs":2500')
})

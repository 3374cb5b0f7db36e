import { spawn } from 'node:child_process'
import { once } from 'node:events'
import net from 'node:net'
import t from 'tap'
import { SERVER, exitOf, freePort, startServer } from './process-helper.js'

t.test('a bad configuration stops the start with one line and exit status 1', async t => {
  const child = spawn(process.execPath, [...process.execArgv, SERVER], { env: { ...process.env, PORT: 'eighty' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', chunk => { stderr += chunk })
  t.equal(await exitOf(child), 1)
  t.equal(stderr, 'Configuration error: PORT must be an integer from 1 to 65535 (got "eighty").\n')
})

/** server.ts started with `env`, run to its exit: the status and what it wrote on each stream. */
async function failedStart (env: Record<string, string>): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, [...process.execArgv, SERVER], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', chunk => { stdout += chunk })
  child.stderr?.on('data', chunk => { stderr += chunk })
  return { code: await exitOf(child), stdout, stderr }
}

t.test('a taken port stops the start with one line (the metrics port before the public one opens)', async t => {
  const taken = net.createServer().listen(0, '127.0.0.1')
  await once(taken, 'listening')
  t.teardown(() => taken.close())
  const busy = (taken.address() as net.AddressInfo).port

  const metrics = await failedStart({ PORT: String(await freePort()), METRICS_PORT: String(busy) })
  t.equal(metrics.code, 1)
  t.equal(metrics.stderr, `Could not start: METRICS_PORT ${busy} cannot be used on 127.0.0.1 (EADDRINUSE): choose a free port, or stop what listens there.\n`)
  t.notMatch(metrics.stdout, 'Server listening', 'the public port never opened')

  const publicPort = await failedStart({ PORT: String(busy) })
  t.equal(publicPort.code, 1)
  t.equal(publicPort.stderr, `Could not start: PORT ${busy} cannot be used on 127.0.0.1 (EADDRINUSE): choose a free port, or stop what listens there.\n`)
})

t.test('the server listens on HOST:PORT and answers', async t => {
  const { port, child } = await startServer(t, { SHUTDOWN_DRAIN_MS: '0' })
  const res = await fetch(`http://127.0.0.1:${port}/human_move?position_1=X`)
  t.equal(res.status, 200)
  t.equal(((await res.json()) as { ai_move: { position: number } }).ai_move.position, 5)
  child.kill('SIGTERM')
  t.equal(await exitOf(child), 0)
})

t.test('an uncaught error is logged and the server stops with exit status 1', async t => {
  const { child, output } = await startServer(t, {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${new URL('./fixtures/throw-later.mjs', import.meta.url).href}`
  })
  child.stdin?.write('now\n')
  t.equal(await exitOf(child), 1)
  t.match(output(), '"msg":"stopping after an uncaught error"')
  t.match(output(), 'planted failure')
})

t.test('SIGTERM: a request whose headers are still arriving is answered normally, then the process exits 0', async t => {
  const { port, child, output } = await startServer(t, { SHUTDOWN_DRAIN_MS: '200' })
  // A request whose headers are only half sent when the signal comes.
  const socket = net.connect(port, '127.0.0.1')
  await once(socket, 'connect')
  let received = ''
  socket.on('data', chunk => { received += chunk })
  socket.write('GET /human_move?position_1=X HTTP/1.1\r\nHost: 127.0.0.1\r\n')
  await new Promise(resolve => setTimeout(resolve, 100))

  child.kill('SIGTERM')
  await new Promise(resolve => setTimeout(resolve, 300))
  socket.write('Accept: application/json\r\n\r\n')
  await once(socket, 'end')

  t.match(received, /^HTTP\/1\.1 200 OK\r\n/, 'the request in flight is answered, not refused with 503')
  t.match(received, '"ai_move":{"position":5')
  const started = Date.now()
  t.equal(await exitOf(child), 0)
  t.ok(Date.now() - started < 5000, 'exits within the bounded delay')
  t.match(output(), '"signal":"SIGTERM"')
  await t.rejects(fetch(`http://127.0.0.1:${port}/health`), 'no new connections after the stop')
})

t.test('the log is written in blocks, yet a line is out within about a second and nothing is lost at exit', async t => {
  const { port, child, output } = await startServer(t, { SHUTDOWN_DRAIN_MS: '0' })
  t.match(output(), '"msg":"Server listening', 'the start-up line is written at once')
  const lines = (): string[] => output().split('\n').filter(line => line.includes('"msg":"request"'))

  t.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200)
  const until = Date.now() + 2500
  while (lines().length === 0 && Date.now() < until) await new Promise(resolve => setTimeout(resolve, 50))
  t.equal(lines().length, 1, 'the request line reaches stdout without more traffic')

  // Far less than a block: these stay in the buffer until the exit writes them out.
  for (let i = 0; i < 5; i++) await fetch(`http://127.0.0.1:${port}/health`)
  child.kill('SIGTERM')
  t.equal(await exitOf(child), 0)
  t.equal(lines().length, 6, 'every request line is out after the exit')
  t.match(output(), '"msg":"stopping: finishing requests in flight"')
})

import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import net from 'node:net'
import t, { type Test } from 'tap'

const SERVER = new URL('../server.ts', import.meta.url).pathname

async function freePort (): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as net.AddressInfo
  probe.close()
  return port
}

interface Running { child: ChildProcess, port: number, output: () => string }

/** Starts server.ts in its own process (with this test's TypeScript loader) and waits until it listens. */
async function startServer (t: Test, env: Record<string, string> = {}): Promise<Running> {
  const port = await freePort()
  const child = spawn(process.execPath, [...process.execArgv, SERVER], { env: { ...process.env, PORT: String(port), LOG_LEVEL: 'info', ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', chunk => { output += chunk })
  child.stderr?.on('data', chunk => { output += chunk })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  for (let i = 0; i < 300 && !output.includes('Server listening'); i++) await new Promise(resolve => setTimeout(resolve, 50))
  return { child, port, output: () => output }
}

async function exitOf (child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode
  const [code] = await once(child, 'exit')
  return code as number | null
}

t.test('a bad configuration stops the start with one line and exit status 1', async t => {
  const child = spawn(process.execPath, [...process.execArgv, SERVER], { env: { ...process.env, PORT: 'eighty' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', chunk => { stderr += chunk })
  t.equal(await exitOf(child), 1)
  t.equal(stderr, 'Configuration error: PORT must be an integer from 1 to 65535 (got "eighty").\n')
})

t.test('the server listens on HOST:PORT and answers', async t => {
  const { port, child } = await startServer(t)
  const res = await fetch(`http://127.0.0.1:${port}/human_move?position_1=X`)
  t.equal(res.status, 200)
  t.equal(((await res.json()) as { ai_move: { position: number } }).ai_move.position, 5)
  child.kill('SIGTERM')
  t.equal(await exitOf(child), 0)
})

t.test('an uncaught error is logged and the server stops with exit status 1', async t => {
  const { child, output } = await startServer(t, { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${new URL('./fixtures/throw-later.mjs', import.meta.url).href}` })
  child.stdin?.write('now\n')
  t.equal(await exitOf(child), 1)
  t.match(output(), '"msg":"stopping after an uncaught error"')
  t.match(output(), 'planted failure')
})

t.test('SIGTERM: a request whose headers are still arriving is answered normally, then the process exits 0', async t => {
  const { port, child, output } = await startServer(t)
  // A keep-alive connection that has already been served once, and a request half sent on another.
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

/** Runs server.ts in a process of its own, as in production, for tests that need a real listener. */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import net from 'node:net'
import type { Test } from 'tap'

export const SERVER = new URL('../server.ts', import.meta.url).pathname
/** The server as it ships: `npm run build`'s bundle (the end-to-end tests run this one). */
export const BUILT_SERVER = new URL('../dist/server.js', import.meta.url).pathname

export async function freePort (): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as net.AddressInfo
  probe.close()
  return port
}

export interface Running { child: ChildProcess, port: number, url: string, output: () => string }

/**
 * Starts server.ts (with this test's TypeScript loader), or the built JavaScript `script` with plain
 * node, and waits until it listens.
 */
export async function startServer (t: Test, env: Record<string, string> = {}, script = SERVER): Promise<Running> {
  // A test that must know the address first (to give it as PUBLIC_URL) passes PORT itself.
  const port = env.PORT !== undefined ? Number(env.PORT) : await freePort()
  const child = spawn(process.execPath, script.endsWith('.ts') ? [...process.execArgv, script] : [script], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', chunk => { output += chunk })
  child.stderr?.on('data', chunk => { output += chunk })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  for (let i = 0; i < 600 && !output.includes('Server listening') && child.exitCode === null; i++) await new Promise(resolve => setTimeout(resolve, 50))
  if (!output.includes('Server listening')) throw new Error(`the server did not start listening on ${port}: ${output.slice(-2000)}`)
  return { child, port, url: `http://127.0.0.1:${port}`, output: () => output }
}

/** The built server (`npm run build`, which `npm run test:e2e` runs first), started as startServer does. */
export async function startBuiltServer (t: Test, env: Record<string, string> = {}): Promise<Running> {
  return await startServer(t, env, BUILT_SERVER)
}

export async function exitOf (child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode
  const [code] = await once(child, 'exit')
  return code as number | null
}

/** A redis-server of the test's own on `port` (Debian's; .ci/run installs it), stopped at teardown. */
export async function startRedis (t: Test, port: number): Promise<ChildProcess> {
  const redis = spawn(process.env.REDIS_SERVER ?? 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (redis.exitCode === null) redis.kill('SIGKILL') })
  let output = ''
  redis.stdout?.on('data', chunk => { output += chunk })
  for (let i = 0; i < 100 && !output.includes('Ready to accept connections'); i++) await new Promise(resolve => setTimeout(resolve, 50))
  if (!output.includes('Ready to accept connections')) throw new Error(`redis-server did not start: ${output}`)
  return redis
}

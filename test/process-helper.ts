/** Runs server.ts in a process of its own, as in production, for tests that need a real listener. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
export async function startRedis (t: Test, port: number, extra: string[] = []): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra]
  const redis = spawn(process.env.REDIS_SERVER ?? 'redis-server', args, {
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (redis.exitCode === null) redis.kill('SIGKILL') })
  let output = ''
  redis.stdout?.on('data', chunk => { output += chunk })
  for (let i = 0; i < 100 && !output.includes('Ready to accept connections'); i++) await new Promise(resolve => setTimeout(resolve, 50))
  if (!output.includes('Ready to accept connections')) throw new Error(`redis-server did not start: ${output}`)
  return redis
}

export interface RedisCluster {
  ports: number[]
  /** The masters' processes, in the order of `ports`. */
  nodes: ChildProcess[]
  /** Starts master `i` again on its port, from its cluster configuration: it takes its slots back. */
  restart: (i: number) => Promise<void>
  /** Resolves once the cluster says `cluster_state:ok`. */
  healthy: () => Promise<void>
}

const redisCli = (...args: string[]): string => execFileSync(process.env.REDIS_CLI ?? 'redis-cli', args, { encoding: 'utf8' })

/** A Redis Cluster of `masters` masters and no replicas on loopback ports, stopped at teardown. */
export async function startRedisCluster (t: Test, masters = 3): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const ports: number[] = []
  for (let i = 0; i < masters; i++) ports.push(await freePort())
  // A short node timeout: a master that is gone is seen as failed within a second.
  const start = async (port: number): Promise<ChildProcess> => await startRedis(t, port, [
    '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '1000', '--dir', dir
  ])
  const nodes = await Promise.all(ports.map(start))
  redisCli('--cluster', 'create', ...ports.map(port => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes')
  const healthy = async (): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      if (ports.every(port => { try { return redisCli('-p', String(port), 'cluster', 'info').includes('cluster_state:ok') } catch { return false } })) return
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    throw new Error('the Redis cluster did not become healthy')
  }
  await healthy()
  return {
    ports,
    nodes,
    restart: async i => { nodes[i] = await start(ports[i]) },
    healthy
  }
}

/**
 * The command line: its usage, and a server that does not answer named as such (exit status 1)
 * before any browser starts. The whole run against real servers is the service's
 * test/e2e/check-hosts.e2e.ts.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import t from 'tap'

const CLI = new URL('../src/cli.ts', import.meta.url).pathname

async function run (...args: string[]): Promise<{ status: number | null, stdout: string, stderr: string }> {
  // The command's own process is not measured for this suite's coverage: what it runs is tested here.
  const { NODE_V8_COVERAGE: _coverage, ...env } = process.env
  const child = spawn(process.execPath, ['--import', 'tsx/esm', CLI, ...args], { env })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => { stdout += chunk })
  child.stderr.on('data', chunk => { stderr += chunk })
  const [status] = await once(child, 'exit')
  return { status: status as number | null, stdout, stderr }
}

/** A loopback port nothing listens on. */
async function closedPort (): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

t.test('no address, two, or an unknown option: the usage, exit status 2', async t => {
  for (const args of [[], ['http://127.0.0.1:1/mcp', 'http://127.0.0.1:2/mcp'], ['http://127.0.0.1:1/mcp', '--size', '3']]) {
    const result = await run(...args)
    t.equal(result.status, 2, args.join(' '))
    t.match(result.stderr, /usage: check-hosts <https:\/\/your\.host\/mcp>/)
  }
  const help = await run('--help')
  t.equal(help.status, 0)
  t.match(help.stdout, /^usage: check-hosts /)
})

t.test('a server that does not answer: named, exit status 1', async t => {
  const port = await closedPort()
  const result = await run(`http://127.0.0.1:${port}/mcp`)
  t.equal(result.status, 1)
  t.match(result.stdout, `checking http://127.0.0.1:${port}/mcp`)
  t.match(result.stdout, `✗ http://127.0.0.1:${port}/mcp does not answer`)
})

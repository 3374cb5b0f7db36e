/**
 * A low open-file limit and more idle connections than it allows: the process stays up (it used to
 * die when under-pressure's sampler hit EMFILE reading the memory figures), connections past the
 * limit the server sets from the open-file limit are closed at once, and once the idle ones go,
 * the service answers again. The server runs in its own process under `ulimit -n 512`.
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect, type Socket } from 'node:net'
import t from 'tap'
import { RESERVED_FILES, connectionLimit, openFileLimit } from '../../plugins/external/under-pressure.js'
import { SERVER, freePort } from '../process-helper.js'

const LIMIT = 512
const SOCKETS = 1000

t.test(`ulimit -n ${LIMIT} and ${SOCKETS} idle sockets: the process stays up and answers again`, async t => {
  const port = await freePort()
  const command = [process.execPath, ...process.execArgv, SERVER].map(part => `'${part}'`).join(' ')
  const child = spawn('bash', ['-c', `ulimit -n ${LIMIT} && exec ` +
    `${command}`], { env: { ...process.env, PORT: String(port), LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', chunk => { output += chunk })
  child.stderr.on('data', chunk => { output += chunk })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  for (let i = 0; i < 600 && !output.includes('Server listening'); i++) await new Promise(resolve => setTimeout(resolve, 50))

  const sockets: Socket[] = []
  for (let i = 0; i < SOCKETS; i++) {
    const socket = connect(port, '127.0.0.1')
    socket.on('error', () => {})
    sockets.push(socket)
  }
  // Long enough for several of under-pressure's samples (one a second).
  await new Promise(resolve => setTimeout(resolve, 3000))
  t.equal(child.exitCode, null, 'the process is still running')
  t.notMatch(output, 'stopping after an uncaught error', 'and not stopping')
  const closed = sockets.filter(socket => socket.destroyed || socket.readableEnded).length
  t.ok(closed >= SOCKETS - LIMIT, `${closed} connections past the limit were closed by the server`)
  t.match(output, `"msg":"connections limited to ${LIMIT - RESERVED_FILES} (open-file limit ${LIMIT})"`, 'the start said how many connections it takes')

  for (const socket of sockets) socket.destroy()
  await new Promise(resolve => setTimeout(resolve, 500))
  const health = await fetch(`http://127.0.0.1:${port}/health`)
  t.equal(health.status, 200, 'the service answers again')
  t.notMatch(output, /EMFILE|uncaught/i, 'no EMFILE reached the log')
})

t.test('the open-file limit is read from /proc/self/limits; unlimited or unreadable sets no cap', async t => {
  t.ok((openFileLimit() ?? 0) > 0, 'this process has one')
  t.equal(openFileLimit('/nowhere/limits'), undefined)
  t.equal(openFileLimit('/dev/null'), undefined)
  const unlimited = join(t.testdir(), 'limits')
  writeFileSync(unlimited, 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            unlimited            ' +
    'unlimited            files\n')
  t.equal(openFileLimit(unlimited), undefined)
  t.same(connectionLimit(undefined), { connections: Infinity, message: 'connections not limited (no open-file limit)' })
  t.same(connectionLimit(1024), { connections: 1024 - RESERVED_FILES, message: `connections limited to ${1024 - RESERVED_FILES} (open-file limit 1024)` })
  t.equal(connectionLimit(10).connections, 1, 'at least one')
})

/**
 * A body too large for /mcp gets its 413, read by the client: the rest of the body is read and
 * dropped, instead of the connection closing under a client still sending (which resets it before
 * the answer is read). One that stops arriving is closed a second after the answer.
 */
import { once } from 'node:events'
import { connect } from 'node:net'
import t from 'tap'
import { buildApp } from '../helper.js'

const HEADERS = 'host: localhost\r\ncontent-type: application/json\r\naccept: application/json, text/event-stream\r\n'

t.test('a 10 MB body: the 413 is read whole, by fetch as by a raw socket', async t => {
  const app = await buildApp(t)
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const body = `"${'x'.repeat(10 * 1024 * 1024)}"`
  const res = await fetch(`${address}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body })
  t.equal(res.status, 413)
  t.match(((await res.json()) as { error: unknown }).error, { code: -32000, message: /too large/i })

  const port = Number(new URL(address).port)
  const socket = connect(port, '127.0.0.1')
  let answer = ''
  socket.on('data', chunk => { answer += chunk })
  const errors: string[] = []
  socket.on('error', error => errors.push((error as Error & { code?: string }).code ?? error.message))
  socket.write(`POST /mcp HTTP/1.1\r\n${HEADERS}content-length: ${body.length}\r\n\r\n`)
  socket.end(body)
  await once(socket, 'close')
  t.same(errors, [], 'no reset, no broken pipe')
  t.match(answer, /^HTTP\/1\.1 413 /)
})

t.test('a refused body that stops arriving: its connection is closed a second after the answer', async t => {
  const app = await buildApp(t)
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const socket = connect(Number(new URL(address).port), '127.0.0.1')
  let answer = ''
  socket.on('data', chunk => { answer += chunk })
  socket.on('error', () => {})
  socket.write(`POST /mcp HTTP/1.1\r\n${HEADERS}content-length: 1000000\r\n\r\n{"jsonrpc":"2.0"`)
  const started = Date.now()
  await once(socket, 'close')
  t.match(answer, /^HTTP\/1\.1 413 /, 'answered')
  t.ok(Date.now() - started < 10_000, 'closed by the server, long before the request timeout')
})

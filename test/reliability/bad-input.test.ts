/** The second round of bad input: each gets a 4xx that names the problem and the fix, with the security headers. */
import { connect } from 'node:net'
import Fastify from 'fastify'
import t, { type Test } from 'tap'
import app, { serverOptions } from '../../app.js'
import { quoted } from '../../lib/errors.js'
import { clientErrorHandler, frameworkErrors } from '../../lib/early-answers.js'
import { API_HEADERS } from '../../lib/security-headers.js'
import { loadConfig } from '../../plugins/config.js'
import { buildApp } from '../helper.js'

const SEE = 'See /openapi.json for the parameters.'

t.test('human_position must be digits: no Infinity, exponent, hex or 400-digit number', async t => {
  const app = await buildApp(t)
  for (const value of ['Infinity', '-Infinity', '1e309', '9'.repeat(400), '0x5', '5e0', '5.0', '-1', 'five']) {
    const res = await app.inject(`/human_move?human_position=${encodeURIComponent(value)}`)
    t.equal(res.statusCode, 400, value)
    // A value is echoed cut to 80 characters (the 400-digit one too).
    t.same(res.json(), {
      statusCode: 400,
      error: 'Bad Request',
      code: 'invalid_parameter',
      message: `human_position must be a whole number from 1 to 9 (got ${quoted(value)}). ${SEE}`
    })
  }
  t.equal((await app.inject('/human_move?human_position=10')).json().message, `human_position must be at most 9 (got 10). ${SEE}`)
  t.equal((await app.inject('/human_move?human_position=0')).json().message, `human_position must be at least 1 (got 0). ${SEE}`)
  t.equal((await app.inject('/human_move?human_position=%205%20')).statusCode, 200, 'spaces around the digits are fine')
})

t.test('a cell parameter in another case is that cell, never dropped', async t => {
  const app = await buildApp(t)
  const mixed = await app.inject('/human_move?Position_1=X&POSITION_2=O&position_5=X&AI_PLAYER=o')
  t.equal(mixed.statusCode, 200)
  t.match(mixed.json().positions, { position_1: 'X', position_2: 'O', position_5: 'X' })
  t.equal(mixed.json().ai_move.position, 9, 'the AI sees the X on 1 and 5, and blocks at 9')
  const move = await app.inject('/human_move?POSITION_1=X&position_2=O&Human_Position=5')
  t.equal(move.json().ai_move.position, 9, 'Human_Position is human_position')
  const twice = await app.inject('/human_move?position_1=X&Position_1=X')
  t.equal(twice.statusCode, 400)
  t.equal(twice.json().message, `position_1 was given 2 times; give it once (got ["X","X"]). ${SEE}`)
  const unknown = await app.inject('/human_move?colour=blue&position_1=X')
  t.equal(unknown.statusCode, 200, 'an unknown parameter is still ignored')
})

t.test('a parameter written as an array is refused with the way to write it', async t => {
  const app = await buildApp(t)
  for (const [given, name, example] of [
    ['position_1[]', 'position_1', 'X'],
    ['Position_2[0]', 'position_2', 'X'],
    ['human_position[]', 'human_position', '5']
  ]) {
    const res = await app.inject(`/human_move?${encodeURIComponent(given)}=X`)
    t.equal(res.statusCode, 400, given)
    t.same(res.json(), {
      statusCode: 400,
      error: 'Bad Request',
      code: 'invalid_parameter',
      message: `${given} is not a parameter: send ${name} once, with no brackets, such as ${name}=${example}. ${SEE}`
    })
  }
})

t.test('a wrong method on a route that exists: 405 with Allow', async t => {
  const app = await buildApp(t)
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH'] as const) {
    const res = await app.inject({ method, url: '/human_move?position_1=X' })
    t.equal(res.statusCode, 405, method)
    t.equal(res.headers.allow, 'GET, HEAD')
    t.same(res.json(), { statusCode: 405, error: 'Method Not Allowed', message: `/human_move does not take ${method}: use GET /human_move.` })
    t.equal(res.headers['x-content-type-options'], 'nosniff')
  }
  t.equal((await app.inject({ method: 'POST', url: '/health' })).headers.allow, 'GET, HEAD')
  t.equal((await app.inject({ method: 'POST', url: '/nowhere' })).statusCode, 404)
})

t.test('a URL that cannot be decoded: 400 with the fix and the security headers', async t => {
  const app = await buildApp(t)
  const res = await app.inject('/human_move%')
  t.equal(res.statusCode, 400)
  t.same(res.json(), {
    statusCode: 400,
    error: 'Bad Request',
    message: 'The URL "/human_move%" is not valid: encode "%" as %25 and other special characters as %XX.'
  })
  for (const [name, value] of Object.entries(API_HEADERS)) t.equal(res.headers[name], value, name)
})

/** Sends raw bytes to the listening app and returns what comes back before the server closes. */
async function raw (address: { port: number }, chunks: string[], gapMs = 0): Promise<{ text: string, ms: number }> {
  const started = Date.now()
  return await new Promise((resolve, reject) => {
    const socket = connect(address.port, '127.0.0.1')
    let text = ''
    socket.on('data', chunk => { text += chunk })
    socket.on('close', () => resolve({ text, ms: Date.now() - started }))
    socket.on('error', reject)
    let i = 0
    const next = (): void => {
      // A client stops sending once the server has answered or ended the connection.
      if (i >= chunks.length || socket.destroyed || socket.readableEnded || text !== '') return
      socket.write(chunks[i++])
      setTimeout(next, gapMs)
    }
    next()
  })
}

async function listening (t: Test, shortTimeouts = false) {
  const config = loadConfig({ LOG_LEVEL: 'silent' })
  const options = serverOptions(config)
  if (shortTimeouts) {
    options.requestTimeout = 1500
    options.http = { ...options.http, requestTimeout: 1500, headersTimeout: 1000 }
  }
  const fastify = Fastify(options)
  await fastify.register(app, { config })
  t.teardown(() => fastify.close())
  await fastify.listen({ host: '127.0.0.1', port: 0 })
  return fastify.server.address() as { port: number }
}

t.test('answers Node makes before the app: not HTTP, headers too large; JSON with the security headers', async t => {
  const address = await listening(t)
  const garbage = await raw(address, ['NOT HTTP AT ALL\r\n\r\n'])
  t.match(garbage.text, /^HTTP\/1\.1 400 Bad Request\r\n/)
  t.match(garbage.text, '{"statusCode":400,"error":"Bad Request","message":"The request is not valid HTTP/1.1: check the request line and headers."}')
  const huge = await raw(address, [`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`])
  t.match(huge.text, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/)
  t.match(huge.text, 'send fewer or shorter headers')
  for (const answer of [garbage.text, huge.text]) {
    for (const [name, value] of Object.entries(API_HEADERS)) t.match(answer, `${name}: ${value}\r\n`, name)
  }
})

t.test('a body that trickles in is cut at the request timeout, not a minute later', async t => {
  // The service's options with the timeouts scaled down, so the test takes seconds: what is checked
  // is that a timeout is enforced when it falls due (Node's default check runs every 30 s).
  const address = await listening(t, true)
  const head = 'POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n'
  const { text, ms } = await raw(address, [head, ...Array.from({ length: 40 }, () => ' ')], 200)
  t.match(text, /^HTTP\/1\.1 408 Request Timeout\r\n/)
  t.match(text, 'The request took too long to arrive')
  t.ok(ms >= 1400 && ms < 4000, `closed after ${ms} ms`)
})

t.test('the early answers leave a closed socket alone, and keep Fastify\'s own refusals\' messages', async t => {
  const writes: string[] = []
  const socket = (destroyed: boolean, writable: boolean) => ({ destroyed, writable, end: (text: string) => writes.push(text), destroy: () => {} }) as any
  const handler = clientErrorHandler as (error: Error & { code?: string }, socket: any) => void
  handler(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), socket(false, true))
  handler(new Error('late'), socket(true, true))
  handler(Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket(false, false))
  t.same(writes, [], 'nothing is written on a reset, destroyed or closed socket')
  handler(new Error('no code'), socket(false, true))
  t.match(writes[0], /^HTTP\/1\.1 400 Bad Request\r\n/)

  const replies: Array<{ code: number, body: unknown }> = []
  const reply = { headers: () => reply, code: (code: number) => ({ send: (body: unknown) => replies.push({ code, body }) }) } as any
  const request = { url: '/x', log: { info: () => {} } } as any
  frameworkErrors(Object.assign(new Error('Too long.'), { code: 'FST_ERR_MAX_PARAM_LENGTH', statusCode: 414 }) as any, request, reply)
  frameworkErrors(Object.assign(new Error('Odd.'), { code: 'FST_ERR_OTHER' }) as any, request, reply)
  t.same(replies, [
    { code: 414, body: { statusCode: 414, error: 'URI Too Long', message: 'Too long.' } },
    { code: 400, body: { statusCode: 400, error: 'Bad Request', message: 'Odd.' } }
  ])

  const app = await buildApp(t)
  const res = await app.inject({ method: 'POST', url: '/mcp', payload: 'x', headers: { 'content-type': 'application/x-unknown' } })
  t.equal(res.statusCode, 415)
})

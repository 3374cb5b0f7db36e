/**
 * Answers given before any route runs: Node's client errors on the raw socket, and Fastify's own
 * refusals, in the service's JSON shape with its security headers.
 */
import type { Socket } from 'node:net'
import t from 'tap'
import { clientErrorHandler } from '../../lib/early-answers.js'
import { buildApp } from '../helper.js'

/** A socket that records what is written to it and whether it was destroyed. */
function socketOf (state: { writable?: boolean, destroyed?: boolean } = {}) {
  const seen = { written: '', destroyed: false }
  const socket = {
    writable: state.writable ?? true,
    destroyed: state.destroyed ?? false,
    end: (text: string) => { seen.written += text },
    destroy: () => { seen.destroyed = true }
  }
  return { socket: socket as unknown as Socket, seen }
}

const answer = (code: string | undefined, socket: Socket): void => {
  (clientErrorHandler as (error: Error & { code?: string }, socket: Socket) => void)(Object.assign(new Error('x'), { code }), socket)
}

t.test('headers too large: a 431 the client can act on, JSON with the security headers, then closed', async t => {
  const { socket, seen } = socketOf()
  answer('HPE_HEADER_OVERFLOW', socket)
  const [head, body] = seen.written.split('\r\n\r\n')
  t.match(head, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/)
  t.match(head, /\r\ncontent-type: application\/json; charset=utf-8\r\n/)
  t.match(head, /\r\nx-content-type-options: nosniff\r\n/i)
  t.match(head, /\r\nconnection: close$/)
  t.match(head, `content-length: ${Buffer.byteLength(body)}`)
  t.same(JSON.parse(body), {
    statusCode: 431, error: 'Request Header Fields Too Large', message: 'The request headers are too large: send fewer or shorter headers (16 KB at most).'
  })
})

t.test('anything else Node refuses is a 400 that says it is not HTTP; a reset or a closed socket gets nothing', async t => {
  const { socket, seen } = socketOf()
  answer('HPE_INVALID_METHOD', socket)
  t.match(seen.written, /^HTTP\/1\.1 400 Bad Request[\s\S]*not valid HTTP\/1\.1/)
  for (const [code, state] of [['ECONNRESET', {}], ['HPE_INVALID_METHOD', { destroyed: true }]] as const) {
    const quiet = socketOf(state)
    answer(code, quiet.socket)
    t.equal(quiet.seen.written, '', `${code} ${JSON.stringify(state)}`)
  }
  const unwritable = socketOf({ writable: false })
  answer('HPE_INVALID_METHOD', unwritable.socket)
  t.same(unwritable.seen, { written: '', destroyed: true }, 'a socket that cannot be written is closed')
})

t.test('a URL Fastify cannot decode: 400 saying how to encode it', async t => {
  const app = await buildApp(t)
  const bad = await app.inject({ method: 'GET', url: '/%E0%A4%A' })
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { statusCode: 400, error: 'Bad Request', message: /^The URL "\/%E0%A4%A" is not valid: encode "%" as %25/ })
  t.equal(bad.headers['x-content-type-options'], 'nosniff')
})

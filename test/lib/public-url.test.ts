/** The address the service is reached at: PUBLIC_URL, else what the caller used through its proxies. */
import type { FastifyRequest } from 'fastify'
import t from 'tap'
import { publicUrl } from '../../lib/public-url.js'

const requestOf = (headers: Record<string, string>, config: Record<string, unknown> = {}, host = 'service.internal:8080'): FastifyRequest =>
  ({ server: { config }, headers, protocol: 'http', host }) as unknown as FastifyRequest

t.test('PUBLIC_URL, when set, whatever the request says', async t => {
  t.equal(publicUrl(requestOf({ 'x-forwarded-host': 'evil.example' }, { PUBLIC_URL: 'https://ttt.example' })), 'https://ttt.example')
})

t.test('else the proxy\'s first forwarded protocol and host, else the request\'s own', async t => {
  t.equal(publicUrl(requestOf({ 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'ttt.example, inner' })), 'https://ttt.example')
  t.equal(publicUrl(requestOf({})), 'http://service.internal:8080')
  t.equal(publicUrl(requestOf({ 'x-forwarded-proto': 'gopher', 'x-forwarded-host': '' })), 'http://service.internal:8080', 'an odd protocol is http; an empty host, none')
})

t.test('a host that is not a host name is the caller\'s 400, said so', async t => {
  t.throws(() => publicUrl(requestOf({ 'x-forwarded-host': 'a b' })),
    { statusCode: 400, message: 'The host "a b" is not a host name: call with a valid Host header, or set PUBLIC_URL.' })
})

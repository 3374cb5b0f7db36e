/**
 * The app's JSON body reader: Fastify's own (secure-json-parse, which refuses `__proto__` and
 * `constructor` keys, escaped or not), but JSON.parse for a body with neither name and no `\u`
 * escape, which cannot hold one, without the scans (about 4 µs a tool call; docs/performance.md).
 */
import { type FastifyRequest, type FastifyServerOptions, errorCodes } from 'fastify'
import fp from 'fastify-plugin'

type JsonReader = (request: FastifyRequest, body: string, done: (error: Error | null, body?: unknown) => void) => void

export default fp(async fastify => {
  const { onProtoPoisoning = 'error', onConstructorPoisoning = 'error' } = fastify.initialConfig as FastifyServerOptions
  const secure = fastify.getDefaultJsonParser(onProtoPoisoning, onConstructorPoisoning) as JsonReader
  const read: JsonReader = (request, body, done) => {
    if (body.length > 0 && !body.includes('\\u') && !body.includes('__proto__') && !body.includes('constructor')) {
      let parsed: unknown
      try {
        parsed = JSON.parse(body)
      } catch {
        return done(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY()) // as Fastify's reader says it
      }
      return done(null, parsed)
    }
    secure(request, body, done)
  }
  fastify.removeContentTypeParser('application/json')
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, read)
}, { name: 'json-reader', fastify: '5.x' })

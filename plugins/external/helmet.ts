/**
 * Security headers on every answer. The Content-Security-Policy allows only this origin's scripts
 * (Swagger UI and the setup page load theirs as files); no upgrade-insecure-requests, which would
 * break the pages on plain-http localhost (TLS is the platform's job, and HSTS stays on).
 */
import helmet from '@fastify/helmet'
import fp from 'fastify-plugin'

export default fp(async fastify => {
  await fastify.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        'script-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'upgrade-insecure-requests': null
      }
    }
  })
}, { name: 'helmet', fastify: '5.x' })

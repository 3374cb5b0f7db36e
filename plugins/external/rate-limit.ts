/**
 * RATE_LIMIT_MAX calls a minute per caller. ChatGPT's calls come from a few shared OpenAI addresses,
 * so the caller is the `openai-ephemeral-user-id` header when sent, else the client address.
 * Registered inside the actions' scope: pages, docs and /health are not limited.
 */
import rateLimit from '@fastify/rate-limit'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

export function callerKey (request: FastifyRequest): string {
  const user = request.headers['openai-ephemeral-user-id']
  return typeof user === 'string' && user !== '' ? `user:${user.slice(0, 200)}` : `ip:${request.ip}`
}

export default fp(async fastify => {
  await fastify.register(rateLimit, {
    max: fastify.config.RATE_LIMIT_MAX,
    timeWindow: 60_000,
    keyGenerator: callerKey,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `Too many calls: at most ${context.max} a minute per player. Wait ${Math.ceil(context.ttl / 1000)} seconds, then try again.`
    })
  })
}, { name: 'rate-limit', fastify: '5.x', dependencies: ['config'] })

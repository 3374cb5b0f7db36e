/**
 * Rate limiting, per caller and per minute: RATE_LIMIT_MAX calls to the actions, and a separate,
 * ten times larger allowance for everything else (pages, docs, the document, /health), so reading
 * the docs never uses up a player's moves. ChatGPT's calls come from a few shared OpenAI addresses,
 * so the caller is the `openai-ephemeral-user-id` header when sent, else the client address.
 * Every route goes through the same hook; only its counter and allowance differ.
 * (Numbers, not functions, for the allowances: @fastify/rate-limit awaits a function on every call.)
 */
import rateLimit from '@fastify/rate-limit'
import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { isAction } from '../app/actions.js'

export const OPEN_ROUTES_FACTOR = 10

export function callerKey (request: FastifyRequest): string {
  const user = request.headers['openai-ephemeral-user-id']
  return typeof user === 'string' && user !== '' ? `user:${user.slice(0, 200)}` : `ip:${request.ip}`
}

export default fp(async fastify => {
  const max = fastify.config.RATE_LIMIT_MAX
  // An action gets its own counter (a route-level limit is a store of its own) with the players'
  // allowance; every other route, including those other plugins add, shares the larger one.
  fastify.addHook('onRoute', route => {
    if (route.config?.action !== undefined) route.config = { ...route.config, rateLimit: { max } }
  })
  await fastify.register(rateLimit, {
    max: max * OPEN_ROUTES_FACTOR,
    timeWindow: 60_000,
    keyGenerator: callerKey,
    // The x-ratelimit-* headers only on a 429 (with Retry-After): ChatGPT reads neither, and
    // three more headers on every answer cost throughput.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    errorResponseBuilder: (request, context) => ({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `Too many calls: at most ${context.max} a minute ${isAction(request) ? 'per player' : 'per client'}. Wait ${Math.ceil(context.ttl / 1000)} seconds, then try again.`
    })
  })
}, { name: 'rate-limit', fastify: '5.x', dependencies: ['config', 'actions'] })

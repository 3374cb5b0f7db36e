/**
 * When the event loop is saturated, answer 503 with Retry-After at once instead of queueing
 * requests until they time out (ChatGPT gives up after 45 s and backs off after repeated errors).
 */
import underPressure from '@fastify/under-pressure'
import fp from 'fastify-plugin'

export const MAX_EVENT_LOOP_DELAY_MS = 1000

export default fp(async fastify => {
  await fastify.register(underPressure, {
    maxEventLoopDelay: MAX_EVENT_LOOP_DELAY_MS,
    retryAfter: 5,
    exposeStatusRoute: false
  })
}, { name: 'under-pressure', fastify: '5.x' })

/**
 * GET /health: readiness for containers and load balancers (hidden from the GPT's document): 200
 * while the service takes requests, 503 from the stop signal on, while it drains.
 */
import type { FastifyInstance } from 'fastify'

export default async function health (fastify: FastifyInstance): Promise<void> {
  fastify.get('/health', { schema: { hide: true } }, async (_request, reply) => {
    if (fastify.draining) return reply.code(503).header('retry-after', '5').send({ status: 'draining' })
    return { status: 'ok' }
  })
}

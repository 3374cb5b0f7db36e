/** GET /health: liveness for containers and load balancers (hidden from the GPT's document). */
import type { FastifyInstance } from 'fastify'

export default async function health (fastify: FastifyInstance): Promise<void> {
  fastify.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }))
}

/**
 * GET /openapi.json and /openapi.yaml: the document to import into the GPT editor, with exactly
 * one server, the address this service is reached at. Only the actions are in it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { publicUrl } from '../../plugins/public-url.js'

export default async function openapiRoutes (fastify: FastifyInstance): Promise<void> {
  const documentFor = (request: FastifyRequest): Record<string, unknown> => {
    const { openapi, info, ...rest } = fastify.swagger() as Record<string, unknown>
    return { openapi, info, servers: [{ url: publicUrl(request) }], ...rest }
  }

  fastify.get('/openapi.json', { schema: { hide: true } }, async request => documentFor(request))

  fastify.get('/openapi.yaml', { schema: { hide: true } }, async (request, reply) => {
    // Loaded on the first request for YAML: most builders import the JSON, and yaml costs 20 ms at start.
    const { stringify } = await import('yaml')
    return reply.type('application/yaml; charset=utf-8').send(stringify(documentFor(request), { aliasDuplicateObjects: false }))
  })
}

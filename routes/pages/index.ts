/**
 * The pages people read: the setup page for GPT builders (GET /) and the privacy policy
 * (GET /privacy). HTML for browsers, JSON when the client asks for JSON.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import Negotiator from 'negotiator'
import { packageInfo } from '../../plugins/package-info.js'
import { COPY_SCRIPT } from './html.js'
import { privacyPage, privacyPolicy } from './privacy-page.js'
import { setupPage } from './setup-page.js'
import { publicUrl } from '../../plugins/public-url.js'

/** The client's preferred answer by its Accept header (q-values included); HTML when it does not say. */
const wantsJson = (request: FastifyRequest): boolean =>
  new Negotiator(request.raw).mediaType(['text/html', 'application/json']) === 'application/json'

export default async function pages (fastify: FastifyInstance): Promise<void> {
  const { config } = fastify

  fastify.get('/', { schema: { hide: true }, config: { html: true } }, async (request, reply) => {
    const base = publicUrl(request)
    if (wantsJson(request)) {
      return {
        name: packageInfo.name,
        version: packageInfo.version,
        description: packageInfo.description,
        links: { openapi: `${base}/openapi.json`, mcp: `${base}/mcp`, docs: `${base}/docs`, privacy: `${base}/privacy`, health: `${base}/health` },
        auth: config.API_KEY === undefined ? 'none' : 'bearer'
      }
    }
    return reply.type('text/html; charset=utf-8').send(setupPage(base, config.API_KEY !== undefined))
  })

  fastify.get('/privacy', { schema: { hide: true }, config: { html: true } }, async (request, reply) => {
    const contact = config.CONTACT ?? `the operator of ${new URL(publicUrl(request)).host}`
    if (wantsJson(request)) return privacyPolicy(contact)
    return reply.type('text/html; charset=utf-8').send(privacyPage(contact))
  })

  fastify.get('/assets/copy.js', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(COPY_SCRIPT)
  })
}

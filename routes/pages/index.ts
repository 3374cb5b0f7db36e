/**
 * The pages people read: the setup page for GPT builders (GET /), the privacy policy (GET /privacy)
 * and the terms of use (GET /terms), HTML for browsers and JSON when the client asks for JSON; and
 * the plugin directory's domain check (GET /.well-known/openai-apps-challenge) when its token is set.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import Negotiator from 'negotiator'
import { packageInfo } from '../../lib/files.js'
import { COPY_SCRIPT } from './html.js'
import { privacyPage, privacyPolicy } from './privacy-page.js'
import { termsPage, termsOfUse } from './terms-page.js'
import { guideOf } from '../../plugins/app/actions.js'
import { type SetupAuth, setupPage, tokenExchangeMethod } from './setup-page.js'
import { publicUrl } from '../../lib/public-url.js'

/** The client's preferred answer by its Accept header (q-values included); HTML when it does not say. */
const wantsJson = (request: FastifyRequest): boolean =>
  new Negotiator(request.raw).mediaType(['text/html', 'application/json']) === 'application/json'

export default async function pages (fastify: FastifyInstance): Promise<void> {
  const { config } = fastify

  /** How the GPT is to sign its calls; with sign-in, from the issuer's metadata (a 503 while it does not answer). */
  async function setupAuth (): Promise<SetupAuth> {
    const { signIn } = fastify
    if (signIn === null) return { type: config.API_KEY === undefined ? 'none' : 'bearer' }
    const metadata = await signIn.metadata()
    return {
      type: 'oauth2',
      issuer: signIn.issuer,
      authorizationUrl: metadata.authorization_endpoint,
      tokenUrl: metadata.token_endpoint,
      scope: signIn.scopes.join(' '),
      tokenExchangeMethod: tokenExchangeMethod(metadata.token_endpoint_auth_methods_supported)
    }
  }

  fastify.get('/', { schema: { hide: true }, onRequest: fastify.documentHeaders }, async (request, reply) => {
    const base = publicUrl(request)
    const auth = await setupAuth()
    if (wantsJson(request)) {
      return {
        name: packageInfo.name,
        version: packageInfo.version,
        description: packageInfo.description,
        links: { openapi: `${base}/openapi.json`, mcp: `${base}/mcp`, docs: `${base}/docs`, privacy: `${base}/privacy`, health: `${base}/health` },
        auth:
          auth.type === 'oauth2'
            ? {
                type: 'oauth2',
                authorization_url: auth.authorizationUrl,
                token_url: auth.tokenUrl,
                scope: auth.scope,
                token_exchange_method: auth.tokenExchangeMethod
              }
            : auth.type
      }
    }
    return reply.type('text/html; charset=utf-8').send(setupPage(base, auth, guideOf(fastify.actions, action => action.operationId)))
  })

  fastify.get('/privacy', { schema: { hide: true }, onRequest: fastify.documentHeaders }, async (request, reply) => {
    const contact = config.CONTACT ?? `the operator of ${new URL(publicUrl(request)).host}`
    if (wantsJson(request)) return privacyPolicy(contact)
    return reply.type('text/html; charset=utf-8').send(privacyPage(contact))
  })

  fastify.get('/terms', { schema: { hide: true }, onRequest: fastify.documentHeaders }, async (request, reply) => {
    const contact = config.CONTACT ?? `the operator of ${new URL(publicUrl(request)).host}`
    if (wantsJson(request)) return termsOfUse(contact)
    return reply.type('text/html; charset=utf-8').send(termsPage(contact))
  })

  // The plugin directory's domain check: the token it gave, as plain text, only where one is set.
  if (config.OPENAI_APPS_CHALLENGE !== undefined) {
    const token = config.OPENAI_APPS_CHALLENGE
    fastify.get('/.well-known/openai-apps-challenge', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(token))
  }

  fastify.get('/assets/copy.js', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(COPY_SCRIPT)
  })
}

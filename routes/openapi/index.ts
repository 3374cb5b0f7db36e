/**
 * GET /openapi.json and /openapi.yaml: the actions' document for the GPT editor, with exactly one
 * server (this service's address) and one security scheme: the sign-in's OAuth flow when it is on
 * (the editor takes one; the API key keeps working), else the API key's.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { BEARER_SCHEME } from '../../plugins/external/swagger.js'
import { publicUrl } from '../../lib/public-url.js'

export const OAUTH_SCHEME = 'oauth2'

export default async function openapiRoutes (fastify: FastifyInstance): Promise<void> {
  const { signIn } = fastify

  /** The security part of the document: the generated one (the API key's, or none), or OAuth's. */
  async function security (generated: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (signIn === null) return {}
    // Throws IssuerUnavailable (a 503 that says so) while the issuer does not answer.
    const metadata = await signIn.metadata()
    const { [BEARER_SCHEME]: _bearer, ...otherSchemes } = ((generated.components as Record<string, any> | undefined)?.securitySchemes ?? {}) as Record<
      string,
      unknown
    >
    return {
      components: {
        ...(generated.components as Record<string, unknown> | undefined),
        securitySchemes: {
          ...otherSchemes,
          [OAUTH_SCHEME]: {
            type: 'oauth2',
            description: `Sign in with ${signIn.issuer}.`,
            flows: {
              authorizationCode: {
                authorizationUrl: metadata.authorization_endpoint,
                tokenUrl: metadata.token_endpoint,
                scopes: Object.fromEntries(signIn.scopes.map(scope => [scope, `Play tic-tac-toe (${scope}).`]))
              }
            }
          }
        }
      },
      security: [{ [OAUTH_SCHEME]: signIn.scopes }]
    }
  }

  const documentFor = async (request: FastifyRequest): Promise<Record<string, unknown>> => {
    const { openapi, info, ...rest } = fastify.swagger() as Record<string, unknown>
    return { openapi, info, servers: [{ url: publicUrl(request) }], ...rest, ...await security(rest) }
  }

  fastify.get('/openapi.json', { schema: { hide: true } }, async request => await documentFor(request))

  fastify.get('/openapi.yaml', { schema: { hide: true } }, async (request, reply) => {
    // Loaded on the first request for YAML: most builders import the JSON, and yaml would cost every
    // start. A CommonJS module: its exports are its default (in the built server's chunks too).
    const { stringify } = (await import('yaml')).default
    return reply.type('application/yaml; charset=utf-8').send(stringify(await documentFor(request), { aliasDuplicateObjects: false }))
  })
}

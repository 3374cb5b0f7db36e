/**
 * The protected resource metadata (RFC 9728), with OAUTH_ISSUER: which authorization server issues
 * this service's tokens, and the scopes; at /.well-known/oauth-protected-resource/mcp and at the
 * root form some clients probe first, open to every origin (browsers read it before any token).
 */
import type { FastifyInstance } from 'fastify'

export default async function signInMetadata (fastify: FastifyInstance): Promise<void> {
  const { signIn } = fastify
  if (signIn === null) return
  const document = {
    resource: signIn.resource,
    authorization_servers: [signIn.issuer],
    ...(signIn.scopes.length > 0 ? { scopes_supported: signIn.scopes } : {}),
    bearer_methods_supported: ['header'],
    resource_name: 'Tic-tac-toe opponent',
    resource_documentation: new URL('/', signIn.resource).href
  }
  for (const url of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
    fastify.get(url, { schema: { hide: true } }, async (_request, reply) => {
      reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=3600')
      return document
    })
  }
}

/**
 * The protected resource metadata (RFC 9728), with OAUTH_ISSUER: where an OAuth client that got a
 * 401 learns which authorization server issues the tokens for this service and which scopes to ask
 * for. At the MCP server's own form, /.well-known/oauth-protected-resource/mcp (the resource is
 * /mcp), and at the root form for clients that probe it first. Open to every origin: browser-based
 * clients read it before they have any token.
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

/**
 * A real OAuth 2.1 authorization server for the sign-in tests: oidc-provider (a certified OpenID
 * provider) on a loopback port, with dynamic client registration, PKCE (S256) and resource
 * indicators (RFC 8707), issuing JWT access tokens (RFC 9068) for this service's resource, and
 * refresh tokens. The person's login and consent are given by the test, not a form: the subject is
 * the authorization request's `login_hint`. The test keeps the signing keys, so it can also make
 * tokens of its own (expired, for another audience, ...) and rotate the keys.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import { once } from 'node:events'
import { type JWK, exportJWK, generateKeyPair } from 'jose'
import Provider from 'oidc-provider'
import type { Test } from 'tap'

export const SCOPE = 'tictactoe:play'

export interface SigningKey { kid: string, privateJwk: JWK, privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'] }

export async function signingKey (kid: string, alg: 'ES256' | 'RS256' = 'ES256'): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true })
  return { kid, privateKey, privateJwk: { ...await exportJWK(privateKey), kid, alg, use: 'sig' } }
}

export interface Issuer {
  url: string
  port: number
  keys: SigningKey[]
  /** Requests the issuer answered, by path (the key set's fetches among them). */
  requests: Map<string, number>
  stop: () => Promise<void>
  /**
   * Serves these keys from now on, on the same server and its open connections (a rotation
   * publishes a new one); a restart would close the connections the service keeps alive, and its
   * next fetch could meet a socket closed under it.
   */
  publish: (keys: SigningKey[]) => void
}

export interface IssuerOptions {
  port: number
  /** The resource (RFC 8707) the tokens are for: this service's PUBLIC_URL + /mcp. */
  resource: string
  keys?: SigningKey[]
  /** How long an access token lives, in seconds, by the grant that issued it (one for every grant). */
  accessTokenTtl?: number | ((grant: 'authorization_code' | 'refresh_token') => number)
}

export async function startIssuer (t: Test, options: IssuerOptions): Promise<Issuer> {
  const url = `http://127.0.0.1:${options.port}`
  const requests = new Map<string, number>()
  let keys = options.keys ?? [await signingKey('key-1')]
  let server: ReturnType<typeof createServer> | undefined

  const providerWith = (signing: SigningKey[]) => new Provider(url, {
    jwks: { keys: signing.map(key => key.privateJwk) },
    cookies: { keys: ['a-cookie-key-for-tests-only'] },
    clientDefaults: { id_token_signed_response_alg: signing[0].privateJwk.alg, grant_types: ['authorization_code', 'refresh_token'] },
    // SCOPE is known to the provider (a client may register it) and granted for the resource too.
    scopes: ['openid', 'offline_access', SCOPE],
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => options.resource,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx: { oidc: { params?: { grant_type?: string } } }, resource: string) => ({
          scope: SCOPE,
          audience: resource,
          accessTokenTTL: typeof options.accessTokenTtl === 'function'
            ? options.accessTokenTtl(ctx.oidc.params?.grant_type === 'refresh_token' ? 'refresh_token' : 'authorization_code')
            : options.accessTokenTtl ?? 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: signing[signing.length - 1].privateJwk.alg as string, kid: signing[signing.length - 1].kid } }
        })
      }
    },
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed: (grant: string) => boolean }) => client.grantTypeAllowed('refresh_token'),
    findAccount: async (_ctx: unknown, accountId: string) => ({ accountId, claims: async () => ({ sub: accountId }) }),
    interactions: { url: async (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` }
  } as never)

  let provider = providerWith(keys)
  let callback = provider.callback()
  async function listen (): Promise<void> {
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const path = (request.url ?? '').split('?')[0]
      requests.set(path, (requests.get(path) ?? 0) + 1)
      if (path.startsWith('/interaction/')) {
        interact(provider, request, response).catch(error => { response.writeHead(500).end(String(error)) })
        return
      }
      callback(request, response)
    })
    server.listen(options.port, '127.0.0.1')
    await once(server, 'listening')
  }
  const stop = async (): Promise<void> => {
    if (server === undefined) return
    const closing = once(server, 'close')
    server.close()
    server.closeAllConnections()
    await closing
    server = undefined
  }
  await listen()
  t.teardown(stop)
  return {
    url,
    port: options.port,
    get keys () { return keys },
    requests,
    stop,
    publish: (next: SigningKey[]) => {
      keys = next
      provider = providerWith(keys)
      callback = provider.callback()
    }
  }
}

/** The person logs in as the `login_hint` and consents to what the client asked for, at once. */
async function interact (provider: Provider, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(request, response)
  const params = details.params as Record<string, string>
  const accountId = params.login_hint ?? 'alice'
  if (details.prompt.name === 'login') {
    await provider.interactionFinished(request, response, { login: { accountId } }, { mergeWithLastSubmission: false })
    return
  }
  const missing = details.prompt.details as { missingOIDCScope?: string[], missingResourceScopes?: Record<string, string[]> }
  const grant = new provider.Grant({ accountId, clientId: params.client_id })
  if (missing.missingOIDCScope !== undefined) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '))
  // The service's scope asked for as the provider's own: granted for the resource the tokens are for.
  if (params.resource !== undefined && params.scope?.split(' ').includes(SCOPE) === true) grant.addResourceScope(params.resource, SCOPE)
  const grantId = await grant.save()
  await provider.interactionFinished(request, response, { consent: { grantId } }, { mergeWithLastSubmission: true })
}

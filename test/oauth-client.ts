/**
 * The OAuth side of an MCP client for the sign-in tests: the official v2 client's OAuthClientProvider
 * kept in memory, and the person's trip to the authorization server (the browser's part), done with
 * fetch: the authorization URL is followed, with its cookies, until it redirects to the client
 * with a code.
 */
import type { OAuthClientProvider } from '@modelcontextprotocol/client'

export const REDIRECT_URL = 'http://127.0.0.1:1/callback'

type Stored<K extends 'clientInformation' | 'tokens'> = Awaited<ReturnType<OAuthClientProvider[K]>>

export class MemoryOAuthProvider implements OAuthClientProvider {
  authorizationUrl?: URL
  private client?: Stored<'clientInformation'>
  private saved?: Stored<'tokens'>
  private verifier = ''

  get redirectUrl (): string { return REDIRECT_URL }
  get clientMetadata () {
    return {
      client_name: 'sign-in test',
      redirect_uris: [REDIRECT_URL],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none'
    }
  }

  clientInformation () { return this.client }
  saveClientInformation (information: NonNullable<Stored<'clientInformation'>>) { this.client = information }
  tokens () { return this.saved }
  saveTokens (tokens: NonNullable<Stored<'tokens'>>) { this.saved = tokens }
  redirectToAuthorization (url: URL) { this.authorizationUrl = url }
  saveCodeVerifier (verifier: string) { this.verifier = verifier }
  codeVerifier () { return this.verifier }
}

/** Follows the authorization URL as a browser would, logged in as `subject`, to the code it ends with. */
export async function authorize (authorizationUrl: URL, subject: string): Promise<{ code: string, url: URL }> {
  const start = new URL(authorizationUrl)
  start.searchParams.set('login_hint', subject)
  const cookies = new Map<string, string>()
  let next = start.href
  for (let hop = 0; hop < 10; hop++) {
    const response = await fetch(next, { redirect: 'manual', headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') } })
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';')
      const at = pair.indexOf('=')
      const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1)]
      const expired = attributes.some(attribute => /^\s*expires=Thu, 01 Jan 1970/i.test(attribute) || /^\s*max-age=0/i.test(attribute))
      if (expired) cookies.delete(name)
      else cookies.set(name, value)
    }
    const location = response.headers.get('location')
    if (location === null) throw new Error(`the authorization stopped at ${next} with ${response.status}: ${(await response.text()).slice(0, 300)}`)
    const target = new URL(location, next)
    if (target.href.startsWith(REDIRECT_URL)) {
      const code = target.searchParams.get('code')
      if (code === null) throw new Error(`no code in ${target.href}`)
      return { code, url: target }
    }
    if (process.env.DEBUG_AUTHORIZE !== undefined) console.error(response.status, next, '->', target.href)
    next = target.href
  }
  throw new Error('too many redirects')
}

/**
 * Sign-in (OAUTH_ISSUER): the service is an OAuth 2.1 resource server; it checks the issuer's JWT
 * access tokens against its published keys and issues or stores none (why: docs/decisions.md).
 */
import type { JWTPayload } from 'jose'
import fp from 'fastify-plugin'
import { scopesOf } from '../config.js'
import { SIGN_IN_UNAVAILABLE, clip } from '../../lib/errors.js'
import type { IssuerKeys } from '../../lib/issuer-keys.js'

/** What the service reads of the issuer's metadata (RFC 8414, OpenID Connect Discovery). */
export interface IssuerMetadata {
  issuer: string
  authorization_endpoint: string
  token_endpoint: string
  jwks_uri: string
  registration_endpoint?: string
  scopes_supported?: string[]
  token_endpoint_auth_methods_supported?: string[]
  code_challenge_methods_supported?: string[]
}

/** Why a token was refused, in OAuth's words (RFC 6750): the answer is 401 or 403 with them. */
export class TokenRefused extends Error {
  constructor (readonly code: 'invalid_token' | 'insufficient_scope', message: string) {
    super(message)
  }
}

/**
 * The issuer could not be asked (its metadata or its keys): the answer is 503 with a message that
 * says so (`reason`, for the log, says why).
 */
export class IssuerUnavailable extends Error {
  readonly statusCode = 503
  readonly code = SIGN_IN_UNAVAILABLE
  constructor (issuer: string, readonly reason: string) {
    super(`Sign-in cannot be checked now: the authorization server ${issuer} does not answer. Retry in a few seconds.`)
  }
}

export interface SignIn {
  /** The issuer as configured. */
  issuer: string
  /** The resource this service is (PUBLIC_URL + /mcp): the protected resource metadata's `resource`. */
  resource: string
  audience: string
  /** Scopes every call needs (OAUTH_SCOPES). */
  scopes: string[]
  /** The protected resource metadata's address, for the WWW-Authenticate challenge (RFC 9728). */
  metadataUrl: string
  /** The issuer's metadata, asked for if it is not known yet; throws IssuerUnavailable. */
  metadata: () => Promise<IssuerMetadata>
  /** A verified access token's subject and scopes; throws TokenRefused or IssuerUnavailable. */
  verify: (token: string) => Promise<{ subject: string, scopes: string[] }>
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Sign-in with OAUTH_ISSUER, or null when the service takes no access tokens. */
    signIn: SignIn | null
  }
}

/** How long one request to the issuer may take. */
export const ISSUER_TIMEOUT_MS = 3000
/** After a failed discovery, how long before a call asks the issuer again. */
export const DISCOVERY_RETRY_MS = 5000
/** A token's key id the cached keys do not have makes the keys be fetched again at most this often. */
export const JWKS_COOLDOWN_MS = 30_000
/** How long fetched keys are kept without a new fetch. */
export const JWKS_MAX_AGE_MS = 10 * 60_000
/** After a failed fetch of the keys, how long before the next (whatever the traffic). */
export const JWKS_RETRY_MS = 5000
/** How long the last good keys keep verifying while the issuer cannot give new ones. */
export const JWKS_STALE_MS = 24 * 60 * 60_000
/** The longest subject taken: longer ones are refused (a subject becomes a rate-limit key and a log field). */
export const SUBJECT_MAX = 255
/** The token types an access token may declare (RFC 9068's, and the plain JWT most providers send). */
const ACCESS_TOKEN_TYPES = new Set(['at+jwt', 'jwt'])
/** Clock skew allowed on `exp` and `nbf`, in seconds. */
export const CLOCK_TOLERANCE_S = 10

/** Every asymmetric algorithm of JWS (RFC 7518, RFC 8037): never `none`, never an HMAC. */
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']

/** Where the metadata of an issuer is published: RFC 8414's form first, then OpenID's. */
export function discoveryUrls (issuer: string): string[] {
  const url = new URL(issuer)
  const path = url.pathname.replace(/\/$/, '')
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`
  ]
}

/** Scopes as the token grants them: `scope` (space-separated, RFC 9068) or `scp` (a list or a string). */
export function scopesIn (payload: JWTPayload): string[] {
  const value = payload.scope ?? payload.scp
  if (Array.isArray(value)) return value.filter((scope): scope is string => typeof scope === 'string')
  return typeof value === 'string' ? value.split(' ').filter(scope => scope !== '') : []
}

const sameIssuer = (a: string, b: string): boolean => a.replace(/\/$/, '') === b.replace(/\/$/, '')

async function fetchMetadata (issuer: string): Promise<IssuerMetadata> {
  const problems: string[] = []
  for (const url of discoveryUrls(issuer)) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(ISSUER_TIMEOUT_MS), headers: { accept: 'application/json' } })
      if (!response.ok) {
        problems.push(`${url}: HTTP ${response.status}`)
        continue
      }
      const metadata = await response.json() as IssuerMetadata
      if (typeof metadata.issuer !== 'string' || !sameIssuer(metadata.issuer, issuer)) {
        problems.push(`${url} names the issuer ${JSON.stringify(metadata.issuer)}`)
        continue
      }
      for (const key of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
        if (typeof metadata[key] !== 'string') throw new IssuerUnavailable(issuer, `${url} has no ${key}`)
      }
      return metadata
    } catch (error) {
      if (error instanceof IssuerUnavailable) throw error
      problems.push(`${url}: ${(error as Error).message}`)
    }
  }
  throw new IssuerUnavailable(issuer, problems.join('; '))
}

export interface SignInOptions {
  /** The clock tokens and keys are checked by (tests move it). */
  now?: () => number
}

export default fp<SignInOptions>(async (fastify, { now = Date.now }) => {
  const { OAUTH_ISSUER: issuer, OAUTH_AUDIENCE, OAUTH_SCOPES, PUBLIC_URL } = fastify.config
  if (issuer === undefined) {
    fastify.decorate('signIn', null)
    return
  }
  // Loaded only when wanted.
  const [{ jwtVerify, errors }, { IssuerKeys, KeysUnavailable }] = await Promise.all([import('jose'), import('../../lib/issuer-keys.js')])
  const resource = `${PUBLIC_URL as string}/mcp`
  const audience = OAUTH_AUDIENCE ?? resource
  const scopes = scopesOf(OAUTH_SCOPES)

  let known: { metadata: IssuerMetadata, keys: IssuerKeys } | undefined
  let asking: Promise<IssuerMetadata> | undefined
  let lastFailure = 0
  let down = false

  async function discover (): Promise<IssuerMetadata> {
    if (known !== undefined) return known.metadata
    if (asking !== undefined) return await asking
    if (now() - lastFailure < DISCOVERY_RETRY_MS) throw new IssuerUnavailable(issuer as string, 'it did not answer a moment ago')
    asking = fetchMetadata(issuer as string).then(metadata => {
      known = { metadata, keys: keysOf(metadata) }
      if (down) fastify.log.warn({ issuer }, 'sign-in: the issuer answers again')
      else fastify.log.info({ issuer, jwks: metadata.jwks_uri }, 'sign-in: the issuer\'s metadata and keys are known')
      down = false
      return metadata
    }, (error: IssuerUnavailable) => {
      lastFailure = now()
      if (!down) {
        fastify.log.warn({ issuer, error: clip(error.reason) }, 'sign-in: the issuer does not answer; calls that need a token get 503 until ' +
          `it does (asked again at most every ${DISCOVERY_RETRY_MS / 1000} s)`)
      }
      down = true
      throw error
    }).finally(() => { asking = undefined })
    return await asking
  }

  function keysOf (metadata: IssuerMetadata): IssuerKeys {
    const url = new URL(metadata.jwks_uri)
    return new IssuerKeys({
      url,
      timeoutMs: ISSUER_TIMEOUT_MS,
      maxAgeMs: JWKS_MAX_AGE_MS,
      cooldownMs: JWKS_COOLDOWN_MS,
      retryMs: JWKS_RETRY_MS,
      staleMs: JWKS_STALE_MS,
      now,
      report: reason => reason === undefined
        ? fastify.log.warn({ issuer, jwks: url.href }, 'sign-in: the issuer\'s keys are fetched again')
        : fastify.log.warn({ issuer, error: clip(reason) }, 'sign-in: the issuer\'s keys cannot be fetched; tokens are checked with the last keys ' +
          `fetched, for up to ${JWKS_STALE_MS / 3_600_000} hours (asked again at most every ${JWKS_RETRY_MS / 1000} s)`)
    })
  }

  async function verify (token: string): Promise<{ subject: string, scopes: string[] }> {
    await discover()
    const { metadata, keys } = known as NonNullable<typeof known>
    let verified: { payload: JWTPayload, protectedHeader: { typ?: string } }
    try {
      verified = await jwtVerify(token, keys.getKey, {
        issuer: metadata.issuer,
        audience,
        algorithms: ASYMMETRIC,
        clockTolerance: CLOCK_TOLERANCE_S,
        currentDate: new Date(now()),
        requiredClaims: ['exp', 'sub']
      })
    } catch (error) {
      throw oauthRefusalOf(error as Error)
    }
    const { payload, protectedHeader } = verified
    const type = protectedHeader.typ?.toLowerCase().replace(/^application\//, '')
    if (type !== undefined && !ACCESS_TOKEN_TYPES.has(type)) {
      throw new TokenRefused('invalid_token', 'The access token is not accepted: its typ header is ' +
        `${JSON.stringify(clip(protectedHeader.typ as string, 40))}, not at+jwt (RFC 9068): send an access token, not an ID token or another kind.`)
    }
    const { sub } = payload
    if (typeof sub !== 'string' || sub === '' || sub.length > SUBJECT_MAX) {
      throw new TokenRefused('invalid_token', `The access token is not accepted: its sub claim must be a non-empty string of at most ${SUBJECT_MAX} ` +
        'characters.')
    }
    return { subject: sub, scopes: scopesIn(payload) }
  }

  /** jose's error as OAuth's, in a sentence that says what to do. */
  function oauthRefusalOf (error: Error): Error {
    if (error instanceof KeysUnavailable) return new IssuerUnavailable(issuer as string, `its keys cannot be had: ${error.message}`)
    if (error instanceof errors.JWTExpired) return new TokenRefused('invalid_token', 'The access token has expired: get a new one (refresh it) and call again.')
    if (error instanceof errors.JWTClaimValidationFailed) {
      const what: Record<string, string> = {
        iss: `it was not issued by ${issuer as string}`,
        aud: `it was not issued for this service (its audience must include ${audience})`,
        nbf: 'it is not valid yet',
        exp: 'it has no expiry',
        sub: 'it names no subject'
      }
      return new TokenRefused('invalid_token', `The access token is not accepted: ${what[error.claim] ?? `its ${error.claim} claim is wrong`}.`)
    }
    if (error instanceof errors.JWKSNoMatchingKey) {
      return new TokenRefused('invalid_token', 'The access token is signed with a key the issuer does not publish.')
    }
    if (error instanceof errors.JOSEAlgNotAllowed) {
      return new TokenRefused('invalid_token', 'The access token is not signed with an asymmetric key of the issuer.')
    }
    return new TokenRefused('invalid_token', 'The access token is not valid: send an access token of the issuer as "Authorization: Bearer <token>".')
  }

  fastify.decorate('signIn', {
    issuer,
    resource,
    audience,
    scopes,
    metadataUrl: `${PUBLIC_URL as string}/.well-known/oauth-protected-resource/mcp`,
    metadata: discover,
    verify
  } satisfies SignIn)
  // Asked once at start, without holding it up: a first call then rarely waits for it.
  fastify.addHook('onReady', async () => { discover().catch(() => {}) })
}, { name: 'sign-in', fastify: '5.x', dependencies: ['config'] })

/**
 * The issuer's signing keys (its `jwks_uri`), kept by the service itself so that sign-in survives
 * the issuer's outages and garbage tokens cannot make it hammer the issuer. jose's remote key set
 * refetches after every failed fetch and drops its keys after their maximum age, so a key set
 * that answers 500 was fetched on every call carrying any token, and an outage longer than the
 * keys' age turned every signed-in player away. Here, around jose's local key set:
 * - the keys are fetched again once they are `maxAgeMs` old, in the background: the call that
 *   notices verifies with the keys it has at once (only a call with no usable keys waits);
 * - a token naming a key id the keys do not have fetches them again, at most once per
 *   `cooldownMs` (a rotation is picked up within it); while the fetches fail, such a token is told
 *   the issuer is unavailable (503), not that it is invalid: the key may be newer than the keys kept;
 * - after a failed fetch, the next is made at most once per `retryMs`, whatever the traffic;
 * - while the issuer fails (no answer, an error, or something that is not a key set), the last
 *   good keys keep verifying for up to `staleMs`; with none, the call is told the issuer is
 *   unavailable (a 503, never a 401: it is not the token's fault);
 * - one report when the fetches start failing and one when they succeed again.
 */
import { createLocalJWKSet, errors, type JWTVerifyGetKey } from 'jose'

export interface IssuerKeysOptions {
  url: URL
  timeoutMs: number
  maxAgeMs: number
  cooldownMs: number
  retryMs: number
  staleMs: number
  now: () => number
  /** The fetches started failing (`reason`), or succeed again (undefined). */
  report: (reason: string | undefined) => void
}

/** The keys cannot be had: never fetched, or last fetched longer ago than they may be used. */
export class KeysUnavailable extends Error {}

/** Why a fetch failed, in a few words: the network's error code (ECONNREFUSED), or what it says. */
export function whyFetchFailed (error: Error, url: URL, timeoutMs: number): string {
  if (error.name === 'TimeoutError') return `${url.href} did not answer within ${timeoutMs} ms`
  const cause = error.cause as { code?: string, message?: string } | undefined
  return `${url.href} cannot be reached (${cause?.code ?? cause?.message ?? error.message})`
}

/** What the issuer answered, as a key set jose can verify with, or why it is not one. */
async function fetchKeySet (url: URL, timeoutMs: number): Promise<JWTVerifyGetKey> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } })
    .catch((error: Error) => { throw new Error(whyFetchFailed(error, url, timeoutMs)) })
  if (!response.ok) throw new Error(`${url.href} answered HTTP ${response.status}`)
  let body: unknown
  try {
    body = await response.json()
  } catch {
    throw new Error(`${url.href} answered something that is not JSON (${response.headers.get('content-type') ?? 'no content type'})`)
  }
  try {
    return createLocalJWKSet(body as Parameters<typeof createLocalJWKSet>[0])
  } catch {
    throw new Error(`${url.href} answered JSON that is not a key set (no "keys" list of keys)`)
  }
}

export class IssuerKeys {
  #keys: { verifyWith: JWTVerifyGetKey, fetchedAt: number } | undefined
  #lastAttempt = -Infinity
  #failing = false
  #fetching: Promise<void> | undefined

  constructor (private readonly options: IssuerKeysOptions) {}

  /** The key getter jwtVerify takes: throws KeysUnavailable, or jose's JWKSNoMatchingKey. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const { maxAgeMs, cooldownMs, now } = this.options
    if (this.#keys === undefined || now() - this.#keys.fetchedAt >= this.options.staleMs) await this.#refresh()
    else if (now() - this.#keys.fetchedAt >= maxAgeMs) this.#refresh().catch(() => {})
    const keys = this.#usableKeys()
    try {
      return await keys.verifyWith(header, token)
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error
      // A key id the keys do not have: the issuer may have published it since (a rotation).
      // (While the fetches fail, #refresh tries again at most once per retryMs.)
      if (this.#fetching !== undefined || this.#failing || now() - this.#lastAttempt >= cooldownMs) await this.#refresh()
      if (this.#failing) throw new KeysUnavailable('the key set cannot be fetched to look for the token\'s key')
      return await this.#usableKeys().verifyWith(header, token)
    }
  }

  #usableKeys (): { verifyWith: JWTVerifyGetKey } {
    const keys = this.#keys
    if (keys === undefined) throw new KeysUnavailable('the keys have not been fetched yet')
    if (this.options.now() - keys.fetchedAt >= this.options.staleMs) throw new KeysUnavailable('the last keys fetched are too old to use')
    return keys
  }

  /** Fetches the keys, unless a fetch failed too recently; one fetch at a time, shared by the calls that wait. */
  async #refresh (): Promise<void> {
    if (this.#fetching !== undefined) return await this.#fetching
    const { url, timeoutMs, retryMs, now, report } = this.options
    if (this.#failing && now() - this.#lastAttempt < retryMs) return
    this.#lastAttempt = now()
    this.#fetching = fetchKeySet(url, timeoutMs).then(verifyWith => {
      this.#keys = { verifyWith, fetchedAt: now() }
      if (this.#failing) report(undefined)
      this.#failing = false
    }, (error: Error) => {
      if (!this.#failing) report(error.message)
      this.#failing = true
    }).finally(() => { this.#fetching = undefined })
    await this.#fetching
  }
}

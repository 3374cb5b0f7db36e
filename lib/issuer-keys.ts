/**
 * The issuer's signing keys, kept by the service around jose's local key set, so that sign-in survives
 * the issuer's outages and garbage tokens cannot make it hammer the issuer (docs/decisions.md).
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

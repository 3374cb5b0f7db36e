/**
 * Who is calling, in one place: the client's address behind proxies (TRUST_PROXY).
 *
 * A hop count trusts the nearest N hops whatever their address: the last N entries of
 * X-Forwarded-For are taken as written by proxies, so the entry before them is the client. That is
 * right where nothing but the proxies can reach the service (Cloud Run, a container published only
 * through its proxy); where other machines can reach it directly, a list of the proxies' addresses
 * is safer, since a caller that skips the proxy could then write the entries itself.
 * Fastify 5.12 reads a number as "trust nothing" (it fails closed, `getTrustProxyFn`), so the count
 * is given to it as the function proxy-addr calls with each address and its hop number, as
 * Express compiles a count.
 */
import type { Config } from './config.js'
import { listOf } from './config.js'

export type ProxyTrust = boolean | string[] | ((address: string, hop: number) => boolean)

export function proxyTrust (setting: Config['TRUST_PROXY']): ProxyTrust {
  if (typeof setting === 'string') return listOf(setting)
  if (typeof setting === 'number') return (_address, hop) => hop < setting
  return setting
}

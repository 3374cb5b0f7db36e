/**
 * The two revisions of MCP the door serves on one endpoint (2025, and 2026-07-28 with its `_meta`
 * envelope and headers), told apart by the body as the SDK's own entry does; the headers are checked
 * against it, so a proxy that strips one cannot change the revision (docs/mcp.md).
 */
import { type Static, Type } from '@sinclair/typebox'
import type { ErrorObject } from 'ajv'
import { compileStrict } from '../../lib/strict-validator.js'
import { type Refusal, pointedAt } from '../../lib/errors.js'
import { type Message, type RequestId, echoId, isObject, kindOf, rpcRefusals } from './json-rpc.js'
import { type Revision, specOf } from './method-table.js'

/** The revisions of the stateless era this door serves (the SDK's SUPPORTED_MODERN_PROTOCOL_VERSIONS). */
export const MODERN_VERSIONS = ['2026-07-28'] as const
/** The 2025 revisions an `initialize` may agree on, newest first: Streamable HTTP came with 2025-03-26. */
export const LEGACY_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26'] as const

/**
 * Revision names are dates: every one from 2026-07-28 on belongs to the stateless era. A name that
 * is no date (`latest`) is no revision of either era, refused as unsupported where it is read.
 */
export const isModern = (version: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(version) && version >= MODERN_VERSIONS[0]

// The envelope's keys (PROTOCOL_VERSION_META_KEY and its siblings in the SDK).
export const PROTOCOL_VERSION_KEY = 'io.modelcontextprotocol/protocolVersion'
export const CLIENT_INFO_KEY = 'io.modelcontextprotocol/clientInfo'
export const CLIENT_CAPABILITIES_KEY = 'io.modelcontextprotocol/clientCapabilities'
export const LOG_LEVEL_KEY = 'io.modelcontextprotocol/logLevel'
export const SERVER_INFO_KEY = 'io.modelcontextprotocol/serverInfo'

const REQUIRED_KEYS = [PROTOCOL_VERSION_KEY, CLIENT_CAPABILITIES_KEY] as const

/** The 2026-07-28 request envelope (RequestMetaEnvelope in the SDK), other keys allowed. */
const Envelope = Type.Object({
  progressToken: Type.Optional(Type.Unsafe<string | number>({ type: ['string', 'number'] })),
  [PROTOCOL_VERSION_KEY]: Type.String(),
  [CLIENT_INFO_KEY]: Type.Optional(Type.Object({ name: Type.String(), version: Type.String() })),
  [CLIENT_CAPABILITIES_KEY]: Type.Object({}),
  [LOG_LEVEL_KEY]: Type.Optional(
    Type.Unsafe<string>({ type: 'string', enum: ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] })
  )
})
const checkEnvelope = compileStrict<Static<typeof Envelope>>('mcp request envelope', Envelope)

/** A message's route: the revision it is answered in (for 2026-07-28, the version it claims), or its refusal. */
export type Route =
  | { revision: 'legacy', kind: 'request' | 'notification' | 'response' }
  | { revision: 'modern', kind: 'request' | 'notification', version: string }
  | { refusal: Refusal }

/** The headers the revisions read, as strings without surrounding whitespace (RFC 9110's OWS). */
export interface McpHeaders { version?: string, method?: string, name?: string }

const metaOf = (params: unknown): Record<string, unknown> | undefined => isObject(params) && isObject(params._meta) ? params._meta : undefined

const { headerMismatch } = rpcRefusals
const mismatch = (header: string, body: string): Route => ({ refusal: headerMismatch(header, body) })

/** The envelope's first problem, as the SDK names them (a key, and what is wrong with it), or undefined. */
function envelopeIssue (meta: Record<string, unknown>): { key: string, problem: string } | undefined {
  const missing = REQUIRED_KEYS.find(key => !(key in meta))
  if (missing !== undefined) return { key: missing, problem: 'missing' }
  if (checkEnvelope(meta)) return undefined
  // The required keys were looked for above: what Ajv finds is inside one of them.
  const error = (checkEnvelope.errors as ErrorObject[])[0]
  const { path, value } = pointedAt(error, meta)
  const key = path.join('.')
  // The envelope's schema only asks for keys, types and a list of values.
  const problem = error.keyword === 'required'
    ? 'missing'
    : error.keyword === 'enum'
      ? `expected one of ${(error.params.allowedValues as string[]).join(', ')}`
      : `expected ${String(error.params.type).split(',').join(' or ')}, got ${kindOf(value)}`
  return { key, problem }
}

/** Whether a request's params carry an envelope that is valid and names a 2026-07-28 revision. */
function validModernClaim (params: unknown): boolean {
  const meta = metaOf(params)
  const version = meta?.[PROTOCOL_VERSION_KEY]
  return meta !== undefined && typeof version === 'string' && isModern(version) && envelopeIssue(meta) === undefined
}

/** Which revision a message is answered in, or why it is refused before any method runs. */
export function routeOf (message: Message, headers: McpHeaders): Route {
  const { method, params } = message
  if (method === undefined) return { revision: 'legacy', kind: 'response' }
  const request = message.id !== undefined
  const headerModern = headers.version !== undefined && isModern(headers.version)
  if (request && method === 'initialize' && !validModernClaim(params)) {
    if (headerModern) return mismatch(headers.version as string, 'an initialize request (legacy handshake) was sent with a modern MCP-Protocol-Version header')
    return { revision: 'legacy', kind: 'request' }
  }
  const meta = metaOf(params)
  if (meta !== undefined && PROTOCOL_VERSION_KEY in meta) {
    const claimed = meta[PROTOCOL_VERSION_KEY]
    // (A notification's envelope needs only its version.)
    const versionIssue = typeof claimed === 'string' ? undefined : { key: PROTOCOL_VERSION_KEY, problem: `expected string, got ${kindOf(claimed)}` }
    const issue = request ? envelopeIssue(meta) : versionIssue
    if (issue !== undefined) {
      return { refusal: rpcRefusals.invalidParams(`Invalid _meta envelope for protocol revision ${MODERN_VERSIONS[0]}: ${issue.key}: ${issue.problem}`, { envelope: issue }) }
    }
    const revision = claimed as string
    const kind = request ? 'request' : 'notification'
    if (headers.version !== undefined && headers.version !== revision) {
      return mismatch(headers.version, `the ${request ? 'body envelope' : 'notification envelope'} names protocol version ${revision} but the ` +
        `MCP-Protocol-Version header names ${headers.version}`)
    }
    if (headers.method !== undefined && headers.method !== method && (request || isModern(revision))) {
      return mismatch(headers.method, `the ${request ? 'body' : 'notification body'} names method ${method} but the Mcp-Method header names ${headers.method}`)
    }
    // A claim makes it a 2026-07-28 message, even one naming another revision: that is refused as unsupported.
    return { revision: 'modern', kind, version: revision }
  }
  if (headerModern) {
    if (!request) {
      if (headers.method !== undefined && headers.method !== method) {
        return mismatch(headers.method, `the notification body names method ${method} but the Mcp-Method header names ${headers.method}`)
      }
      return { revision: 'modern', kind: 'notification', version: headers.version as string }
    }
    // (An envelope with no claim lacks its protocol version, at least.)
    const missing = meta === undefined ? ['_meta'] : REQUIRED_KEYS.filter(key => !(key in meta))
    return {
      refusal: rpcRefusals.invalidParams(`Invalid params: the MCP-Protocol-Version header names protocol revision ${headers.version as string}, but ` +
        `the request is missing the required per-request envelope key(s): ${missing.join(', ')}`, { envelope: { missing } })
    }
  }
  return { revision: 'legacy', kind: request ? 'request' : 'notification' }
}

/** A revision of the stateless era this door does not serve: the error names the ones it does. */
export const unsupportedModern = (revision: string): Refusal | undefined =>
  (MODERN_VERSIONS as readonly string[]).includes(revision) ? undefined : rpcRefusals.unsupportedVersion(revision, MODERN_VERSIONS)

/** The `MCP-Protocol-Version` header of a 2025 request (after the handshake) must name a revision served. */
export function unsupportedLegacyHeader (version: string | undefined): Refusal | undefined {
  if (version === undefined || (LEGACY_VERSIONS as readonly string[]).includes(version)) return undefined
  return rpcRefusals.transport(400, `Bad Request: Unsupported protocol version: ${version} (supported versions: ${LEGACY_VERSIONS.join(', ')})`)
}

/** What becomes of a message: refused (answering `id`), taken with nothing to answer (202), or answered in a revision. */
export type Admission = { refusal: Refusal, id: RequestId | null } | { taken: true } | { revision: Revision }
const TAKEN = { taken: true } as const
const NOT_ACCEPTABLE = rpcRefusals.transport(406, 'Not Acceptable: Client must accept both application/json and text/event-stream')

/**
 * Every revision's rules for a message, in order: its route, then a 2026-07-28 revision served and
 * its headers, or a 2025 client that takes both answers (`acceptsBoth`, the SDK's transport refuses
 * it so) and whose header names a revision served.
 */
export function admit (message: Message, headers: McpHeaders, acceptsBoth: boolean): Admission {
  const route = routeOf(message, headers)
  if ('refusal' in route) return { refusal: route.refusal, id: echoId(message) }
  if (route.revision === 'modern') {
    const unsupported = unsupportedModern(route.version)
    if (unsupported !== undefined) return { refusal: unsupported, id: echoId(message) }
    if (route.kind === 'notification') return TAKEN
    const problem = headerProblem(message, route.version, headers)
    return problem !== undefined ? { refusal: problem, id: message.id as RequestId } : { revision: 'modern' }
  }
  if (!acceptsBoth) return { refusal: NOT_ACCEPTABLE, id: null }
  const unsupported = message.method !== 'initialize' ? unsupportedLegacyHeader(headers.version) : undefined
  if (unsupported !== undefined) return { refusal: unsupported, id: null }
  // Notifications and posted responses are taken, with nothing to answer.
  return route.kind === 'request' ? { revision: 'legacy' } : TAKEN
}

/** The revision an `initialize` agrees on: the client's when served, else the newest (the client then decides). */
export const negotiated = (requested: unknown): string =>
  typeof requested === 'string' && (LEGACY_VERSIONS as readonly string[]).includes(requested) ? requested : LEGACY_VERSIONS[0]

const SENTINEL_PREFIX = '=?base64?'
const SENTINEL_SUFFIX = '?='
const CANONICAL_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** A header value as sent, or the text its base64 sentinel (`=?base64?...?=`) carries; undefined when that is not valid. */
function decodedName (value: string): string | undefined {
  if (!(value.startsWith(SENTINEL_PREFIX) && value.endsWith(SENTINEL_SUFFIX))) return value
  const encoded = value.slice(SENTINEL_PREFIX.length, value.length - SENTINEL_SUFFIX.length)
  if (!CANONICAL_BASE64.test(encoded)) return undefined
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encoded, 'base64'))
  } catch {
    return undefined
  }
}

/** The standard headers a 2026-07-28 request must carry and agree with (notifications are exempt). */
export function headerProblem (message: Message, revision: string, headers: McpHeaders): Refusal | undefined {
  const method = message.method as string
  if (headers.version === undefined) {
    return headerMismatch('(missing)', `the body envelope names protocol version ${revision} but the required ` +
      'MCP-Protocol-Version header is absent')
  }
  if (headers.method === undefined) return headerMismatch('(missing)', `the body names method ${method} but the required Mcp-Method header is absent`)
  // The body field Mcp-Name mirrors, for the methods that name what they call (SEP-2243).
  const field = specOf(method)?.target?.field
  if (field === undefined) return undefined
  const value = message.params?.[field]
  const bodyValue = typeof value === 'string' ? value : undefined
  if (headers.name === undefined) {
    return bodyValue === undefined
      ? undefined
      : headerMismatch('(missing)', `the body carries params.${field}="${bodyValue}" but the required ` +
        'Mcp-Name header is absent')
  }
  const name = decodedName(headers.name)
  if (name === undefined) return headerMismatch(headers.name, 'the Mcp-Name header carries an invalid Base64 sentinel value')
  if (bodyValue !== undefined && name !== bodyValue) {
    return headerMismatch(headers.name, `the body carries params.${field}="${bodyValue}" but the Mcp-Name header names "${name}"`)
  }
  return undefined
}

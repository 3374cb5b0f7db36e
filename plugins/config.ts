/**
 * The configuration: one TypeBox schema for the environment, checked once at boot. The type comes
 * from the schema, so the two cannot drift. A bad value stops the start with one line that names
 * the variable and what is wrong.
 */
import { BlockList, isIP } from 'node:net'
import { type Static, Type } from '@sinclair/typebox'
import type { ErrorObject } from 'ajv'
import fp from 'fastify-plugin'
import { pathOf } from '../lib/errors.js'
import { compileStrict } from '../lib/strict-validator.js'

// Host names (an IPv6 address in brackets) and origins, comma-separated: checked here so a typo
// stops the start instead of silently letting nobody in.
const HOST_NAME = String.raw`(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])`
const HOST_LIST = String.raw`^\s*${HOST_NAME}\s*(?:,\s*${HOST_NAME}\s*)*$`
const ORIGIN = String.raw`https?://${HOST_NAME}(?::[0-9]+)?`
const ORIGIN_LIST = String.raw`^\s*${ORIGIN}\s*(?:,\s*${ORIGIN}\s*)*$`
// IPv4 or IPv6 addresses, each with an optional /prefix (checked further by net.BlockList on use).
const NETWORK = String.raw`[0-9A-Fa-f.:]+(?:/[0-9]{1,3})?`
const NETWORK_LIST = String.raw`^\s*${NETWORK}\s*(?:,\s*${NETWORK}\s*)*$`

// An OTLP/HTTP endpoint: http or https, with a host.
const OTLP_URL = '^https?://[^/?#]'
const OTLP_PROTOCOL = Type.Union([Type.Literal('http/protobuf'), Type.Literal('http/json')], {
  description: 'http/protobuf or http/json (gRPC is not built in: send to an OpenTelemetry Collector\'s HTTP port, 4318)'
})

export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3000, description: 'an integer from 1 to 65535' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'an address to listen on, such as 0.0.0.0' }),
  PUBLIC_URL: Type.Optional(Type.String({ description: 'an https:// URL with no path, such as https://tictactoe.example.com' })),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map(level => Type.Literal(level)),
    { default: 'info', description: 'one of fatal, error, warn, info, debug, trace or silent' }),
  CONTACT: Type.Optional(Type.String({ minLength: 3, description: 'an e-mail address or URL shown on the privacy page' })),
  OPENAI_APPS_CHALLENGE: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 512,
    pattern: '^[\\x21-\\x7e]+$',
    description: 'the token ChatGPT\'s plugin directory gives to verify the domain, served at /.well-known/openai-apps-challenge'
  })),
  API_KEY: Type.Optional(Type.String({ minLength: 16, description: 'at least 16 characters' })),
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 60, description: 'a positive integer (calls per caller per minute)' }),
  TRUST_PROXY: Type.Union([Type.Boolean(), Type.Integer({ minimum: 1, maximum: 10 }), Type.String({ pattern: NETWORK_LIST })], {
    default: false,
    description: 'false, a number of proxies in front (1 to 10), a comma-separated list of proxy addresses or CIDRs, or true (every proxy; only where ' +
      'nothing else can reach the service)'
  }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'a redis:// or rediss:// URL, such as redis://redis:6379' })),
  METRICS_PORT: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'an integer from 1 to 65535, other than PORT' })),
  SHUTDOWN_DRAIN_MS: Type.Integer({
    minimum: 0,
    maximum: 120_000,
    default: 3000,
    description: 'milliseconds from 0 to 120000 to keep answering after a stop signal'
  }),
  MAX_EVENT_LOOP_DELAY_MS: Type.Integer({
    minimum: 0,
    maximum: 60_000,
    default: 1000,
    description: 'milliseconds from 0 to 60000 of mean event-loop delay past which calls get 503 (0: never)'
  }),
  TRUSTED_NETWORKS: Type.Optional(Type.String({ pattern: NETWORK_LIST, description: 'a comma-separated list of addresses or CIDRs, such as 203.0.113.0/24' })),
  TRUSTED_ADDRESS_MAX: Type.Optional(Type.Integer({
    minimum: 1,
    description: 'a positive integer (calls per minute shared by the callers of one trusted address that name no player)'
  })),
  ALLOWED_HOSTS: Type.Optional(Type.String({ pattern: HOST_LIST, description: 'a comma-separated list of host names, such as game.example.com,10.0.0.5' })),
  OAUTH_ISSUER: Type.Optional(Type.String({ description: 'the authorization server\'s issuer URL, such as https://your-tenant.eu.auth0.com/' })),
  OAUTH_AUDIENCE: Type.Optional(Type.String({ minLength: 1, description: 'the audience access tokens are issued for (by default PUBLIC_URL + /mcp)' })),
  OAUTH_SCOPES: Type.Optional(Type.String({
    pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E, ]+$',
    description: 'scope names separated by spaces or commas, such as tictactoe:play'
  })),
  WIDGET_DOMAIN: Type.Optional(Type.String({ description: 'an https:// origin, such as https://tictactoe.example.com' })),
  ALLOWED_ORIGINS: Type.Optional(Type.String({ pattern: ORIGIN_LIST, description: 'a comma-separated list of origins, such as https://inspector.example.com' })),
  // OpenTelemetry's own variables, as every OpenTelemetry SDK reads them (only those this service
  // acts on; the SDK reads the sampler's, the exporter's headers and the resource's itself).
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String({
    pattern: OTLP_URL,
    description: 'an http:// or https:// URL of an OTLP/HTTP receiver, such as http://otel-collector:4318'
  })),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: Type.Optional(Type.String({
    pattern: OTLP_URL,
    description: 'the http:// or https:// URL traces are posted to, such as http://otel-collector:4318/v1/traces'
  })),
  OTEL_EXPORTER_OTLP_PROTOCOL: Type.Optional(OTLP_PROTOCOL),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: Type.Optional(OTLP_PROTOCOL),
  OTEL_SERVICE_NAME: Type.Optional(Type.String({ minLength: 1, description: 'a name for the service in the traces, such as tictactoe' })),
  OTEL_SDK_DISABLED: Type.Optional(Type.Boolean({ description: 'true or false' }))
})

export type Config = Static<typeof ConfigSchema>

export class ConfigError extends Error {
  override name = 'ConfigError'
}

const keys = Object.keys(ConfigSchema.properties) as Array<keyof Config>

// Ajv fills the defaults and checks the values as they are written (compiled by the build for the
// built server, lib/made-ahead.ts); TypeBox's own Value module would be one more library to load.
const checkConfig = compileStrict<Config>('configuration', ConfigSchema, { useDefaults: true })

/**
 * What is wrong with a URL that must be https (http is allowed for localhost and 127.0.0.1, for a
 * local try), or null; `why` says who asks for https, `path` whether it may have one.
 */
function checkHttpsUrl (value: string, why: string, path: 'no path' | 'a path'): string | null {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'is not a URL'
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1'
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    return `must start with https:// (${why}; http is allowed for localhost and 127.0.0.1)`
  }
  if (path === 'no path' && (url.pathname !== '/' || url.search !== '' || url.hash !== '')) return 'must be an origin with no path, query or fragment'
  if (url.search !== '' || url.hash !== '') return 'must have no query or fragment'
  return null
}

/** Environment values are text: numbers and booleans are read strictly, anything else stays text. */
function parse (schema: { type?: unknown, anyOf?: Array<{ type: unknown }> }, value: string): unknown {
  const types = schema.anyOf?.map(one => one.type) ?? [schema.type]
  if (types.includes('integer') && /^[0-9]+$/.test(value)) return Number(value)
  if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true'
  return value
}

/** What a bad value is shown as: never a secret (the API key, a URL's password). */
function shown (key: keyof Config, value: string | undefined): string {
  // A URL may carry a password (redis://:secret@host); an OTLP endpoint, a token in its user part.
  if (key === 'API_KEY' || (/_URL$|_ENDPOINT$/.test(key) && value?.includes('@') === true)) return ''
  return ` (got ${JSON.stringify(value)})`
}

function checkRedisUrl (value: string): string | null {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'is not a URL'
  }
  if (url.hostname === '') return 'has no host'
  if (!/^\/?[0-9]*$/.test(url.pathname)) return 'may name a database by its number only, such as redis://redis:6379/0'
  return null
}

/** Reads the configuration from the environment (unknown variables are ignored; empty means unset). */
export function loadConfig (env: NodeJS.ProcessEnv): Config {
  const values: Record<string, unknown> = {}
  for (const key of keys) {
    const value = env[key]?.trim()
    if (value !== undefined && value !== '') values[key] = parse(ConfigSchema.properties[key] as Parameters<typeof parse>[0], value)
  }
  // Empty is unset (compose passes API_KEY: ${API_KEY:-}), but a key of spaces is a mistake that
  // would otherwise run the service with no key at all.
  if (env.API_KEY !== undefined && env.API_KEY !== '' && values.API_KEY === undefined) {
    throw new ConfigError('API_KEY is blank (only spaces): set a key of at least 16 characters, or leave it unset to run without one.')
  }
  if (!checkConfig(values)) {
    const key = pathOf((checkConfig.errors as ErrorObject[])[0])[0] as keyof Config
    throw new ConfigError(`${key} must be ${ConfigSchema.properties[key].description}${shown(key, env[key])}.`)
  }
  const valid: Config = values
  for (const key of ['TRUST_PROXY', 'TRUSTED_NETWORKS'] as const) {
    const value = valid[key]
    if (typeof value !== 'string') continue
    const wrong = listOf(value).find(entry => networkOf(entry) === undefined)
    if (wrong !== undefined) throw new ConfigError(`${key} has ${JSON.stringify(wrong)}, which is not an IP address or CIDR (such as 10.0.0.0/8 or fd00::/8).`)
  }
  if (valid.REDIS_URL !== undefined) {
    const problem = checkRedisUrl(valid.REDIS_URL)
    if (problem !== null) {
      throw new ConfigError(`REDIS_URL ${problem}${shown('REDIS_URL', valid.REDIS_URL)}: give a redis:// or rediss:// URL, such ` +
        'as redis://redis:6379.')
    }
  }
  // (The pattern checks the scheme; the rest must read as a URL, as the exporter will read it.)
  for (const key of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] as const) {
    const value = valid[key]
    if (value !== undefined && !URL.canParse(value)) throw new ConfigError(`${key} must be ${ConfigSchema.properties[key].description}${shown(key, value)}.`)
  }
  if (valid.OAUTH_ISSUER !== undefined) {
    // An issuer may have a path, as Keycloak's realms and Entra's tenants do.
    const problem = checkHttpsUrl(valid.OAUTH_ISSUER, 'an authorization server is reached over https', 'a path')
    if (problem !== null) throw new ConfigError(`OAUTH_ISSUER ${problem}${shown('OAUTH_ISSUER', valid.OAUTH_ISSUER)}.`)
    if (valid.PUBLIC_URL === undefined) {
      throw new ConfigError('OAUTH_ISSUER needs PUBLIC_URL: the access tokens are issued for this service\'s address, and the clients are told where it is.')
    }
  }
  if (valid.METRICS_PORT === valid.PORT) {
    throw new ConfigError(`METRICS_PORT must be ${ConfigSchema.properties.METRICS_PORT.description} (got ` +
      `${valid.METRICS_PORT}): the metrics never share the public port.`)
  }
  const origins = { PUBLIC_URL: 'the GPT editor accepts only https', WIDGET_DOMAIN: 'ChatGPT takes only an https widget domain' }
  for (const key of ['PUBLIC_URL', 'WIDGET_DOMAIN'] as const) {
    const value = valid[key]
    if (value === undefined) continue
    const problem = checkHttpsUrl(value, origins[key], 'no path')
    if (problem !== null) throw new ConfigError(`${key} ${problem}${shown(key, value)}.`)
    valid[key] = new URL(value).origin
  }
  return valid
}

/** An address or CIDR as BlockList takes it, or undefined when it is neither (the pattern allows one /prefix). */
function networkOf (entry: string): { address: string, prefix?: number, type: 'ipv4' | 'ipv6' } | undefined {
  const [address, prefix] = entry.split('/')
  const family = isIP(address)
  if (family === 0) return undefined
  const type = family === 4 ? 'ipv4' : 'ipv6'
  if (prefix === undefined) return { address, type }
  if (!/^[0-9]+$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128)) return undefined
  return { address, prefix: Number(prefix), type }
}

/** Addresses and CIDRs (already checked by loadConfig) as a set to test client addresses against. */
export function networksOf (value: string | undefined): BlockList {
  const networks = new BlockList()
  for (const entry of listOf(value)) {
    const { address, prefix, type } = networkOf(entry) as NonNullable<ReturnType<typeof networkOf>>
    if (prefix === undefined) networks.addAddress(address, type)
    else networks.addSubnet(address, prefix, type)
  }
  return networks
}

/** The scopes a setting names, separated by spaces or commas (scope names keep their case). */
export const scopesOf = (value: string | undefined): string[] => value === undefined ? [] : value.split(/[\s,]+/).filter(scope => scope !== '')

/** A comma-separated setting as its items, lowercased (host names compare without case). */
export const listOf = (value: string | undefined): string[] =>
  value === undefined ? [] : value.split(',').map(item => item.trim().toLowerCase())

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
  }
}

/** Makes the checked configuration available to every plugin as `fastify.config`. */
export default fp<{ config: Config }>(async (fastify, { config }) => {
  fastify.decorate('config', config)
}, { name: 'config', fastify: '5.x' })

/**
 * Credentials, asked of the actions and of the MCP door: the API key or a sign-in's access token
 * (checked by each door before its call runs; refused ones counted against their sender). Pages, docs,
 * the document, /health and the sign-in metadata stay open. The answers and why: docs/decisions.md.
 */
import { hash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest, onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { Refusal, SIGN_IN_UNAVAILABLE, refuseInHook } from '../../lib/errors.js'
import { logWith } from '../../lib/logging.js'
import { IssuerUnavailable, type SignIn, TokenRefused } from './sign-in.js'

declare module 'fastify' {
  interface FastifyInstance {
    credentials: {
      /** Whether calls need credentials at all (API_KEY or OAUTH_ISSUER). */
      required: boolean
      /**
       * Each door's check of a call's credentials, as an onRequest hook: good ones let the call on
       * (a token's subject signed in), others are refused and counted against their sender.
       */
      hook: onRequestHookHandler
    }
  }
}

// (One call, no Hash object: every call with a key or a token pays it.)
const digest = (text: string): Buffer => hash('sha256', text, 'buffer')

/** The subject as the log carries it: a short one-way hash, so one person's calls can be followed without naming them. */
export const subjectHash = (subject: string): string => digest(subject).toString('hex').slice(0, 12)

/** A value of an HTTP auth-param (RFC 9110 quoted-string). */
const authParam = (value: string): string => `"${value.replaceAll(/[\\"]/g, '\\$&')}"`

/** The WWW-Authenticate challenge of RFC 6750 and RFC 9728; no error code when no token was sent (RFC 6750, 3.1). */
function challenge (signIn: SignIn, error?: { code: string, description: string }): string {
  const parts = error === undefined ? [] : [`error=${authParam(error.code)}`, `error_description=${authParam(error.description)}`]
  parts.push(`resource_metadata=${authParam(signIn.metadataUrl)}`)
  if (signIn.scopes.length > 0) parts.push(`scope=${authParam(signIn.scopes.join(' '))}`)
  return `Bearer ${parts.join(', ')}`
}

const bearerOf = (request: FastifyRequest): string | undefined => /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '')?.[1]

export default fp(async fastify => {
  const key = fastify.config.API_KEY
  const { signIn, allowances, signedIn, tracing } = fastify
  const required = key !== undefined || signIn !== null
  const expected = key === undefined ? undefined : digest(key)
  const keyMatches = (token: string): boolean => expected !== undefined && timingSafeEqual(digest(token), expected)

  const howToCall = signIn === null
    ? 'send the header "Authorization: Bearer <API key>" (in the GPT editor: Authentication, API Key, Auth Type Bearer)'
    : `send an access token of ${signIn.issuer} as "Authorization: Bearer <token>" (${signIn.metadataUrl} says where to get ` +
      `one)${key === undefined ? '' : ', or the API key'}`

  const askForCredentials = (wrongKey: boolean): Refusal => new Refusal(401, wrongKey
    ? 'The API key is not valid: check the key set in the GPT editor (Authentication, API Key, Auth Type Bearer).'
    : `This action needs ${signIn === null ? 'an API key' : 'sign-in'}: ${howToCall}.`,
  undefined, { headers: { 'www-authenticate': signIn === null ? 'Bearer realm="tic-tac-toe"' : challenge(signIn) } })

  async function checkToken (signIn: SignIn, token: string, request: FastifyRequest): Promise<Refusal | undefined> {
    try {
      // (A span of its own: it may wait on the issuer, for its keys.)
      const { subject, scopes } = await tracing.span('sign-in', {}, async () => await signIn.verify(token))
      const missing = signIn.scopes.filter(scope => !scopes.includes(scope))
      if (missing.length > 0) {
        const description = `The access token lacks the scope ${missing.join(' ')}: sign in again granting it.`
        return new Refusal(403, description, 'insufficient_scope', {
          headers: { 'www-authenticate': challenge(signIn, { code: 'insufficient_scope', description }) }
        })
      }
      signedIn(request, subject)
      request.log = logWith(request, { subject: subjectHash(subject) })
      return undefined
    } catch (error) {
      if (error instanceof TokenRefused) {
        return new Refusal(401, error.message, 'invalid_token', {
          headers: { 'www-authenticate': challenge(signIn, { code: error.code, description: error.message }) }
        })
      }
      // Not the caller's fault: the issuer cannot be asked. A 503 that says so, uncounted.
      if (error instanceof IssuerUnavailable) return new Refusal(503, error.message, SIGN_IN_UNAVAILABLE, { headers: { 'retry-after': 5 } })
      throw error
    }
  }

  /** Refused credentials count against the sender's allowance of refused calls; past it, the answer is a 429. */
  const counted = async (refusal: Refusal | undefined, request: FastifyRequest): Promise<Refusal | undefined> =>
    refusal === undefined || refusal.statusCode >= 500 ? refusal : (await allowances.refused.count(request)) ?? refusal

  function check (request: FastifyRequest): Refusal | undefined | Promise<Refusal | undefined> {
    if (!required) return undefined
    const token = bearerOf(request)
    if (token === undefined) return allowances.charge(request).then(limited => limited ?? askForCredentials(false))
    if (keyMatches(token)) return undefined
    if (signIn === null) return counted(askForCredentials(true), request)
    return checkToken(signIn, token, request).then(async refusal => await counted(refusal, request))
  }

  const hook: onRequestHookHandler = (request, reply, done) => {
    const answer = (refusal: Refusal | undefined): void => {
      if (refusal === undefined) done()
      else refuseInHook(refusal, reply, done)
    }
    const checked = check(request)
    if (checked instanceof Promise) checked.then(answer, done)
    else answer(checked)
  }

  fastify.decorate('credentials', { required, hook })
}, { name: 'auth', fastify: '5.x', dependencies: ['config', 'caller-identity', 'rate-limit', 'sign-in', 'tracing'] })

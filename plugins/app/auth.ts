/**
 * Who may call the actions and the MCP door that leads to them; pages, docs, the document, /health
 * and the sign-in metadata stay open.
 * - API_KEY: `Authorization: Bearer <API_KEY>` (the GPT editor's "API Key / Bearer" choice). Both
 *   sides are hashed before comparing, so the comparison takes the same time whatever the guess.
 * - OAUTH_ISSUER: an access token of that issuer (plugins/app/sign-in.ts); its subject is then the
 *   player (plugins/caller.ts). No token: 401 with a challenge that says where to start
 *   (`resource_metadata`, RFC 9728) and the scopes; a bad token: 401 `invalid_token`; a token
 *   without the scopes: 403 `insufficient_scope` (RFC 6750); the issuer unreachable: 503.
 * With both set, a call is let in with either.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { requiresKey } from './actions.js'
import { type SignIn, TokenRefused } from './sign-in.js'

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/** The subject as the log carries it: a short one-way hash, so one person's calls can be followed without naming them. */
export const subjectHash = (subject: string): string => digest(subject).toString('hex').slice(0, 12)

const refused = (statusCode: number, message: string, code?: string): Error => Object.assign(new Error(message), { statusCode, ...(code !== undefined ? { code } : {}) })

const quoted = (value: string): string => `"${value.replaceAll(/[\\"]/g, '\\$&')}"`

/** The WWW-Authenticate challenge of RFC 6750 and RFC 9728; no error code when no token was sent (RFC 6750, 3.1). */
function challenge (signIn: SignIn, error?: { code: string, description: string }): string {
  const parts = error === undefined ? [] : [`error=${quoted(error.code)}`, `error_description=${quoted(error.description)}`]
  parts.push(`resource_metadata=${quoted(signIn.metadataUrl)}`)
  if (signIn.scopes.length > 0) parts.push(`scope=${quoted(signIn.scopes.join(' '))}`)
  return `Bearer ${parts.join(', ')}`
}

export default fp(async fastify => {
  const key = fastify.config.API_KEY
  const { signIn } = fastify
  if (key === undefined && signIn === null) return
  const expected = key === undefined ? undefined : digest(key)
  const keyMatches = (token: string): boolean => expected !== undefined && timingSafeEqual(digest(token), expected)

  const howToCall = signIn === null
    ? 'send the header "Authorization: Bearer <API key>" (in the GPT editor: Authentication, API Key, Auth Type Bearer)'
    : `send an access token of ${signIn.issuer} as "Authorization: Bearer <token>" (${signIn.metadataUrl} says where to get one)${key === undefined ? '' : ', or the API key'}`

  function askForCredentials (reply: FastifyReply, wrongKey: boolean): Error {
    reply.header('www-authenticate', signIn === null ? 'Bearer realm="tic-tac-toe"' : challenge(signIn))
    return refused(401, wrongKey
      ? 'The API key is not valid: check the key set in the GPT editor (Authentication, API Key, Auth Type Bearer).'
      : `This action needs ${signIn === null ? 'an API key' : 'sign-in'}: ${howToCall}.`)
  }

  async function checkToken (signIn: SignIn, token: string, request: FastifyRequest, reply: FastifyReply): Promise<Error | undefined> {
    try {
      const { subject, scopes } = await signIn.verify(token)
      const missing = signIn.scopes.filter(scope => !scopes.includes(scope))
      if (missing.length > 0) {
        const description = `The access token lacks the scope ${missing.join(' ')}: sign in again granting it.`
        reply.header('www-authenticate', challenge(signIn, { code: 'insufficient_scope', description }))
        return refused(403, description, 'insufficient_scope')
      }
      request.subject = subject
      request.log = request.log.child({ subject: subjectHash(subject) })
      return undefined
    } catch (error) {
      if (error instanceof TokenRefused) {
        reply.header('www-authenticate', challenge(signIn, { code: error.code, description: error.message }))
        return refused(401, error.message, 'invalid_token')
      }
      // IssuerUnavailable is a 503 that says so, like any other error.
      throw error
    }
  }

  const askForKey: onRequestHookHandler = (request, reply, done) => {
    const token = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '')?.[1]
    if (token !== undefined && keyMatches(token)) return done()
    if (token === undefined || signIn === null) return done(askForCredentials(reply, token !== undefined))
    checkToken(signIn, token, request, reply).then(done, done)
  }
  // A hook of the routes that need it, first among theirs: it runs after the instance's hooks (the
  // door's CORS headers among them, so a web page can read a refusal) and before the players' count
  // (which counts a signed-in caller as itself). Other routes pay nothing.
  fastify.addHook('onRoute', route => {
    if (requiresKey(route.config)) route.onRequest = [askForKey, ...[route.onRequest ?? []].flat()]
  })
}, { name: 'auth', fastify: '5.x', dependencies: ['config', 'rate-limit', 'sign-in'] })

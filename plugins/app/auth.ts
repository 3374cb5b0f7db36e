/**
 * With API_KEY set, the actions and the MCP door that leads to them require
 * `Authorization: Bearer <API_KEY>` (the GPT editor's "API Key / Bearer" choice); pages, docs, the
 * document and /health stay open. Both sides are
 * hashed before comparing, so the comparison takes the same time whatever the length or content
 * of the guess.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { requiresKey } from './actions.js'

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

export default fp(async fastify => {
  const key = fastify.config.API_KEY
  if (key === undefined) return
  const expected = digest(key)
  const askForKey: onRequestHookHandler = (request, reply, done) => {
    const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '')
    if (match !== null && timingSafeEqual(digest(match[1]), expected)) return done()
    reply.header('www-authenticate', 'Bearer realm="tic-tac-toe"')
    const message = match === null
      ? 'This action needs an API key: send the header "Authorization: Bearer <API key>" (in the GPT editor: Authentication, API Key, Auth Type Bearer).'
      : 'The API key is not valid: check the key set in the GPT editor (Authentication, API Key, Auth Type Bearer).'
    done(Object.assign(new Error(message), { statusCode: 401 }))
  }
  // A hook of the routes that need it, first among theirs: it runs after the instance's hooks (the
  // door's CORS headers among them, so a web page can read a refusal) and before the players' count
  // (which counts a signed-in caller as itself). Other routes pay nothing.
  fastify.addHook('onRoute', route => {
    if (requiresKey(route.config)) route.onRequest = [askForKey, ...[route.onRequest ?? []].flat()]
  })
}, { name: 'auth', fastify: '5.x', dependencies: ['config', 'rate-limit'] })

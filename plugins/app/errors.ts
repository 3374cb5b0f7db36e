/**
 * One error handler for the whole service: `{ statusCode, error, message }` with a message a person or
 * a chat model can act on, never a stack or an internal message. A refusal no allowance counted yet
 * (a body refused as it is read, a 404) is counted here, and past the allowance it is the 429.
 */
import fp from 'fastify-plugin'
import { noteRefusal } from '../../lib/logging.js'
import type { FastifyError, preHandlerHookHandler } from 'fastify'
import {
  type AjvError, answerPastAllowance, httpBodyOf, refusals, clip, errorBody, reportServerError, serverFailureMessage, statusOf, validationMessage
} from '../../lib/errors.js'

export default fp(async fastify => {
  fastify.decorateRequest('refused', null)
  fastify.decorateRequest('logBindings', null)
  fastify.setErrorHandler(async (error: FastifyError, request, reply) => {
    const limited = await answerPastAllowance(error, request, reply, httpBodyOf)
    if (limited !== undefined) return limited
    if (error.validation !== undefined) {
      const context = error.validationContext as string
      const input = (request as unknown as Record<string, unknown>)[context === 'querystring' ? 'query' : context]
      const message = validationMessage(error.validation[0] as AjvError, context, input)
      noteRefusal(request, 'invalid_parameter', message)
      return reply.code(400).send(httpBodyOf(refusals.invalidParameter(message)))
    }
    const statusCode = statusOf(error)
    if (statusCode >= 500) {
      const message = reportServerError(error, statusCode, request, reply) ?? serverFailureMessage(statusCode, request.id)
      return reply.code(statusCode).send(errorBody(statusCode, message))
    }
    // Fastify's own messages may echo what the caller sent (a content type): cut, here and in the log.
    const message = clip(error.message)
    noteRefusal(request, error.code, message)
    // The service's own codes (invalid_parameter, ...) are part of the answer; Fastify's are not.
    const own = typeof error.code === 'string' && /^[a-z_]+$/.test(error.code)
    return reply.code(statusCode).send(errorBody(statusCode, message, own ? error.code : undefined))
  })

  const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const
  // (The allowances are asked as the request comes: they are set up after this plugin.)
  const counted: preHandlerHookHandler = (request, reply, done) => { request.server.allowances.client.call(request.server, request, reply, done) }
  fastify.setNotFoundHandler({ preHandler: counted }, (request, reply) => {
    const path = request.url.split('?')[0]
    // A path that exists with other methods: 405 and the methods it takes, as HTTP says.
    const allowed = METHODS.filter(method => fastify.hasRoute({ method, url: path }))
    if (allowed.length > 0) {
      return reply.code(405).header('allow', allowed.join(', ')).send(errorBody(405,
        `${path} does not take ${request.method}: use ${allowed.filter(method => method !== 'HEAD').join(' or ')} ${path}.`))
    }
    reply.code(404).send(errorBody(404, `There is no ${request.method} ${path}. Play with GET /human_move; the full API is at /openapi.json.`))
  })
}, { name: 'errors', fastify: '5.x' })

/**
 * One action call, in order, for both doors: the HTTP route (a GPT's call, plugins/app/actions.ts)
 * and the MCP tool call (routes/mcp), which runs it in-process on the /mcp request itself.
 *
 * 1. Who calls: the address behind the proxies, and the host's player id where it can be believed
 *    (plugins/app/caller.ts).
 * 2. Credentials: the API key or a sign-in (plugins/app/auth.ts); a signed-in subject is then the
 *    player. The MCP door asks its own request for them, before anything is read from its body.
 * 3. The allowance: the player's calls a minute, and for player ids that cannot be believed their
 *    address's ceiling (plugins/app/rate-limit.ts).
 * 4. The input: read as a chat model writes it, then checked against the action's schema (compiled
 *    once, as Fastify compiles a route's).
 * 5. The action: its handler, from the checked input to the answer or a refusal.
 * 6. The counters: a tool call's duration, as an HTTP call's (fastify-metrics counts those).
 * 7. The log line: a tool call's own, naming the /mcp request that made it (an HTTP call's line
 *    is its request's).
 *
 * With tracing on (plugins/external/otel.ts), the call is a span, `action <operationId>`, and the
 * allowance, which may wait on Redis, a span within it (the sign-in and the engine have their own).
 *
 * Every outcome is a status and a body, written once as JSON: the HTTP door sends them as they are,
 * the MCP door makes a tool result of them.
 */
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { type RefusalNote, callLogger, requestLine } from '../../lib/logging.js'
import type { StepSpan } from '../../lib/traces.js'
import type { Action, Door } from './actions.js'
import { type AjvError, PARAMETERS_HINT, Refusal, clip, errorBody, serverFailureMessage, validationMessage } from '../../lib/errors.js'

/** An action call's outcome: its status, its body as JSON text, and what a door needs besides. */
export interface ActionOutcome {
  statusCode: number
  /** The answer (200) or the error's body `{ statusCode, error, code?, message }`, as JSON. */
  json: string
  /** The answer (200). */
  answer?: unknown
  /** The refusal's message, without the HTTP door's pointer to the parameters. */
  message?: string
  /** Whether the message ends with the door's pointer to the parameters. */
  hint?: boolean
  headers?: Record<string, string | number>
  /** Why it was refused, for the call's log line (none for a refusal the handler made). */
  note?: RefusalNote
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Runs an action call through every step, as `door` received it on `request`. */
    runAction: (action: Action, request: FastifyRequest, input: unknown, door: Door) => Promise<ActionOutcome>
  }
}

/**
 * A refusal as an outcome, noted for the call's log line as `line` says (the message as the caller
 * reads it, but a schema's), or not noted (null: a handler's refusal says what it is worth itself).
 */
function refused (refusal: Refusal, line: 'request refused' | 'invalid request' | null): ActionOutcome {
  const { statusCode, message, code, options } = refusal
  const shown = options.hint === true ? `${message} ${PARAMETERS_HINT}` : message
  // Built field by field, not spread from optional parts: a refusal must cost less than a move.
  const outcome: ActionOutcome = { statusCode, json: JSON.stringify(errorBody(statusCode, shown, code)), message }
  if (line !== null) outcome.note = { code, message: line === 'invalid request' ? message : clip(shown) }
  if (options.hint === true) outcome.hint = true
  if (options.headers !== undefined) outcome.headers = options.headers
  return outcome
}

export default fp(async fastify => {
  const { callerOf, credentials, allowances, gameMetrics, tracing } = fastify

  async function steps (action: Action, request: FastifyRequest, input: Record<string, unknown>, door: Door, log: FastifyBaseLogger): Promise<ActionOutcome> {
    // 1. Who calls (credentials may make it a signed-in subject).
    // 2. Credentials.
    if (door === 'http') {
      const refusal = await credentials.check(request)
      if (refusal !== undefined) return refused(refusal, 'request refused')
      // Signed in, the request's log names the subject.
      log = request.log
    }
    const caller = callerOf(request)
    // 3. The allowance.
    const limited = await tracing.span('rate limit', {}, async span => {
      const refusal = await allowances.play(action, request, caller)
      span.set({ 'tictactoe.limited': refusal !== undefined })
      return refusal
    })
    if (limited !== undefined) return refused(limited, 'request refused')
    // 4. The input.
    const problem = action.normalize?.(input) ?? null
    if (problem !== null) return refused(new Refusal(400, problem, 'invalid_parameter', { hint: true }), 'request refused')
    if (!action.validate(input)) {
      const context = action.inputIn === 'query' ? 'querystring' : 'body'
      // (Ajv keeps the first error only: all of them would let one call cost as much as it likes.)
      return refused(
        new Refusal(400, validationMessage((action.validate.errors as AjvError[])[0], context, input), 'invalid_parameter', { hint: true }),
        'invalid request'
      )
    }
    // 5. The action.
    const answer = await action.handler(input, { door, caller, log })
    // (A handler says in the log what it refuses, if it is worth a line.)
    if (answer instanceof Refusal) return refused(answer, null)
    return { statusCode: 200, json: action.serialize(answer), answer }
  }

  async function run (action: Action, request: FastifyRequest, input: unknown, door: Door, span: StepSpan): Promise<ActionOutcome> {
    // An HTTP call is its request: Fastify logs its line and times it. A tool call has its own.
    const ownLine = door !== 'http'
    const started = ownLine ? performance.now() : 0
    const id = ownLine ? randomUUID() : request.id
    const log = ownLine ? callLogger(request, id, tracing.traceId()) : request.log
    let outcome: ActionOutcome
    try {
      outcome = await steps(action, request, input as Record<string, unknown>, door, log)
    } catch (error) {
      log.error({ err: error }, 'request failed')
      outcome = refused(new Refusal(500, serverFailureMessage(500, id)), null)
    }
    span.set({ 'http.response.status_code': outcome.statusCode })
    if (outcome.statusCode >= 500) span.fail(String(outcome.statusCode))
    if (ownLine) {
      // 6. The counters, and 7. the log line, as the HTTP route's would be.
      const ms = performance.now() - started
      gameMetrics.played(action.method, action.url, outcome.statusCode, ms / 1000)
      log.info(requestLine(action.method, action.url, outcome.statusCode, ms, outcome.note), 'request')
    } else if (outcome.note !== undefined) request.refused = outcome.note
    return outcome
  }

  fastify.decorate('runAction', async (action: Action, request: FastifyRequest, input: unknown, door: Door): Promise<ActionOutcome> =>
    await tracing.span(`action ${action.operationId}`, { attributes: { 'tictactoe.door': door } }, async span => await run(action, request, input, door, span)))
}, { name: 'pipeline', fastify: '5.x', dependencies: ['caller-identity', 'auth', 'rate-limit', 'game-metrics', 'tracing'] })

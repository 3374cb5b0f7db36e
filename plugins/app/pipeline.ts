/**
 * One action call, the same steps for every door: the caller's allowance, the input checked against
 * the action's schema, then the action; a call inside another request gets its own log line and
 * metrics. Each door reads the player id and credentials before (docs/decisions.md, "One pipeline").
 */
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { type RefusalNote, callLogger, requestLine } from '../../lib/logging.js'
import type { StepSpan } from '../../lib/traces.js'
import type { Action, Door } from './actions.js'
import { type AjvError, Refusal, clip, httpBodyOf, refusals, serverFailureMessage, validationMessage } from '../../lib/errors.js'

/** An action call's outcome: its status, its body as JSON text, and what a door needs besides. */
export interface ActionOutcome {
  statusCode: number
  /** The answer (200), or the refusal as the HTTP door answers it (`{ statusCode, error, code?, message }`), as JSON. */
  json: string
  /** The answer (200). */
  answer?: unknown
  /** The refusal, for a door that renders it in a form of its own (the MCP door: a tool result). */
  refusal?: Refusal
  /** Why it was refused, for the call's log line (none for a refusal the handler made). */
  note?: RefusalNote
}

/** What the door that received a call hands over with it. */
export interface CallContext {
  /** The door, as the game's counters name it. */
  door: Door
  /** The call's logger, and its id (a 500's message names it). */
  log: FastifyBaseLogger
  id: string
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Runs an action call through every step, as its door received it on `request`. */
    runAction: (action: Action, request: FastifyRequest, input: unknown, call: CallContext) => Promise<ActionOutcome>
    /**
     * Runs an action called inside another request (a tool call in an /mcp message) as a request of
     * its own would be: with its own id, naming `request`, its own log line and route metrics.
     */
    runCall: (action: Action, request: FastifyRequest, input: unknown, door: Door) => Promise<ActionOutcome>
  }
}

/**
 * A refusal as an outcome, noted for the call's log line as `line` says (the message as the caller
 * reads it, but a schema's), or not noted (null: a handler's refusal says what it is worth itself).
 */
function refused (refusal: Refusal, line: 'request refused' | 'invalid request' | null): ActionOutcome {
  const body = httpBodyOf(refusal)
  const outcome: ActionOutcome = { statusCode: refusal.statusCode, json: JSON.stringify(body), refusal }
  if (line !== null) outcome.note = { code: refusal.code, message: line === 'invalid request' ? refusal.message : clip(body.message) }
  return outcome
}

export default fp(async fastify => {
  const { callerOf, allowances, gameMetrics, tracing } = fastify

  async function steps (action: Action, request: FastifyRequest, input: Record<string, unknown>, { door, log }: CallContext): Promise<ActionOutcome> {
    const caller = callerOf(request)
    // 1. The allowance.
    const limited = await tracing.span('rate limit', {}, async span => {
      const refusal = await allowances.play(action, request, caller)
      span.set({ 'tictactoe.limited': refusal !== undefined })
      return refusal
    })
    if (limited !== undefined) return refused(limited, 'request refused')
    // 2. The input.
    const problem = action.normalize?.(input) ?? null
    if (problem !== null) return refused(refusals.invalidParameter(problem), 'request refused')
    if (!action.validate(input)) {
      const context = action.inputIn === 'query' ? 'querystring' : 'body'
      // (Ajv keeps the first error only: all of them would let one call cost as much as it likes.)
      return refused(refusals.invalidParameter(validationMessage((action.validate.errors as AjvError[])[0], context, input)), 'invalid request')
    }
    // 3. The action.
    const answer = await action.handler(input, { door, caller, log })
    // (A handler says in the log what it refuses, if it is worth a line.)
    if (answer instanceof Refusal) return refused(answer, null)
    return { statusCode: 200, json: action.serialize(answer), answer }
  }

  async function run (action: Action, request: FastifyRequest, input: unknown, call: CallContext, span: StepSpan): Promise<ActionOutcome> {
    let outcome: ActionOutcome
    try {
      outcome = await steps(action, request, input as Record<string, unknown>, call)
    } catch (error) {
      call.log.error({ err: error }, 'request failed')
      outcome = refused(new Refusal(500, serverFailureMessage(500, call.id)), null)
    }
    span.set({ 'http.response.status_code': outcome.statusCode })
    if (outcome.statusCode >= 500) span.fail(String(outcome.statusCode))
    return outcome
  }

  const runAction = async (action: Action, request: FastifyRequest, input: unknown, call: CallContext): Promise<ActionOutcome> =>
    await tracing.span(`action ${action.operationId}`, { attributes: { 'tictactoe.door': call.door } }, async span => await run(action, request, input, call, span))
  fastify.decorate('runAction', runAction)

  fastify.decorate('runCall', async (action: Action, request: FastifyRequest, input: unknown, door: Door): Promise<ActionOutcome> => {
    const started = performance.now()
    const id = randomUUID()
    const log = callLogger(request, id, tracing.traceId())
    const outcome = await runAction(action, request, input, { door, log, id })
    const ms = performance.now() - started
    gameMetrics.played(action.method, action.url, outcome.statusCode, ms / 1000)
    log.info(requestLine(action.method, action.url, outcome.statusCode, ms, outcome.note), 'request')
    return outcome
  })
}, { name: 'pipeline', fastify: '5.x', dependencies: ['caller-identity', 'game-metrics', 'rate-limit', 'tracing'] })

/**
 * An MCP request as a span, named as OpenTelemetry's conventions for MCP say (`tools/call play_move`,
 * `mcp.method.name`, ...); a 2026-07-28 request's `_meta` trace context is continued, linked to the
 * /mcp request's span.
 */
import type { Tracing, SpanAttributes } from '../../lib/traces.js'
import type { Message } from './json-rpc.js'
import type { Answer, MethodCall } from './methods.js'
import { specOf } from './method-table.js'

type AnswerMethod = (message: Message, call: MethodCall) => Promise<Answer>

/** What a caller names is clipped: a span's name and attributes are no place for a long text. */
const clipped = (value: unknown): string => String(value).slice(0, 100)

/** `answerMethod` with a span around each call; tracing off, `answerMethod` itself. */
export function traced (tracing: Tracing, answerMethod: AnswerMethod): AnswerMethod {
  if (!tracing.enabled) return answerMethod
  return async (message, call) => {
    const method = message.method as string
    const version = call.request.headers['mcp-protocol-version']
    const attributes: SpanAttributes = {
      'mcp.method.name': clipped(method),
      'jsonrpc.request.id': String(call.id),
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
      ...(typeof version === 'string' ? { 'mcp.protocol.version': clipped(version) } : {}),
      ...(method === 'tools/call' ? { 'gen_ai.operation.name': 'execute_tool' } : {})
    }
    let name = clipped(method)
    // The method's target, as the conventions name it: the tool, the prompt, the resource.
    const target = specOf(method)?.target
    if (target !== undefined) {
      const value = clipped(call.params[target.field])
      attributes[target.attribute] = value
      name = `${name} ${value}`
    }
    return await tracing.span(name, { attributes, carrier: call.params._meta, server: true }, async span => {
      const answer = await answerMethod(message, call)
      if (answer.errorType !== undefined) {
        span.fail(answer.errorType)
        if (answer.errorType !== 'tool_error') span.set({ 'rpc.response.status_code': answer.errorType })
      }
      return answer
    })
  }
}

/**
 * The methods' answers, once the revision has the method and its params are as ./method-table.ts says:
 * the lists written once (./catalog.ts), a tool call run through its action's pipeline. An unknown tool,
 * prompt or resource is a JSON-RPC error; a call the action refuses, a tool result with `isError`.
 */
import type { CallToolResult, GetPromptResult } from '@modelcontextprotocol/server'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Refusal } from '../../lib/errors.js'
import { type Answers, result2026 } from './catalog.js'
import { INVALID_PARAMS, METHOD_NOT_FOUND, type Message, type RequestId, errorText, resultText, rpcErrorOf } from './json-rpc.js'
import { negotiated } from './revisions.js'
import { type MethodName, type Revision, hasMethod, paramsRefusalOf } from './method-table.js'
import { choicesOf, queryOf, unknownArguments } from '../../plugins/app/mcp-catalog/arguments.js'
import { FROM_VIEW, VIEW_CALL_META } from '../../plugins/app/mcp-catalog/view-call.js'

/**
 * An answer to a message: its HTTP status and its JSON text (none for 202); for a traced call, what
 * went wrong (a JSON-RPC error's code, or `tool_error` for a tool result with `isError`).
 */
export interface Answer { status: number, json?: string, errorType?: string }

/** What a method sees of the call: the request, the message, and the revision it came in. */
export interface MethodCall {
  request: FastifyRequest
  id: RequestId
  params: Record<string, any>
  revision: Revision
}

/** A refusal as the door answers it: its status, and its JSON-RPC error answering `id`. */
export const refused = (refusal: Refusal, id: RequestId | null = null): Answer =>
  ({ status: refusal.statusCode, json: JSON.stringify(rpcErrorOf(refusal, id)) })

const ok = (call: MethodCall, result: string): Answer => ({ status: 200, json: resultText(call.id, result) })
/** A result made for this call, written in its revision's form. */
const okInRevision = (call: MethodCall, result: object): Answer => ok(call, JSON.stringify(call.revision === 'modern' ? result2026(result) : result))
const error = (call: MethodCall, code: number, message: string, data?: unknown): Answer =>
  ({ status: 200, json: errorText(code, message, call.id, data), errorType: String(code) })

/** Where a refused tool call's message points, as the HTTP route's points to its document. */
const TOOL_HINT = "See the tool's input schema."

/** A refused tool call as the tool's result (the MCP door's rendering of a refusal): the model reads it and can correct the call. */
const toolResultOf = ({ message, details }: Refusal): CallToolResult =>
  ({ content: [{ type: 'text', text: details.hint === true ? `${message} ${TOOL_HINT}` : message }], isError: true })

/** What a 2026-07-28 result adds, as JSON members (the same for every call). */
const RESULT_2026_MEMBERS = JSON.stringify(result2026({})).slice(1, -1)

export function methodsOf (fastify: FastifyInstance, answers: () => Answers) {
  const { runCall } = fastify

  async function callTool (call: MethodCall): Promise<Answer> {
    const { params } = call
    const { tools } = fastify.mcpCatalog
    const action = tools.get(params.name)
    if (action === undefined) return error(call, INVALID_PARAMS, `There is no tool "${String(params.name)}"; the tools are ${[...tools.keys()].join(', ')}.`)
    const args = (params.arguments ?? {}) as Record<string, unknown>
    const toolError = (refusal: Refusal): Answer => ({ ...okInRevision(call, toolResultOf(refusal)), errorType: 'tool_error' })
    const unknown = unknownArguments(action, args)
    if (unknown !== undefined) return toolError(new Refusal(400, unknown, 'invalid_parameter'))
    // Hosts pass a view's call on with its _meta: a move clicked in the board view counts as such.
    const door = params._meta?.[VIEW_CALL_META] === FROM_VIEW ? 'view' : 'mcp'
    const outcome = await runCall(action, call.request, action.inputIn === 'query' ? queryOf(args) : args, door)
    if (outcome.refusal !== undefined) return toolError(outcome.refusal)
    // The answer's JSON goes in as it is (made once per position for the game): only the text is written here.
    const content: CallToolResult['content'] = [{ type: 'text', text: action.text(outcome.answer) }]
    return ok(call, `{"content":${JSON.stringify(content)},"structuredContent":${outcome.json}${call.revision === 'modern' ? `,${RESULT_2026_MEMBERS}` : ''}}`)
  }

  function getPrompt (call: MethodCall): Answer {
    const { params } = call
    const { prompts } = fastify.mcpCatalog
    const prompt = prompts.get(params.name)
    if (prompt === undefined) {
      return error(call, INVALID_PARAMS, `There is no prompt "${String(params.name)}"; the prompts are ${[...prompts.keys()].join(', ')}.`)
    }
    const chosen = choicesOf(prompt, params.arguments)
    if ('problem' in chosen) return error(call, INVALID_PARAMS, chosen.problem)
    const result: GetPromptResult = {
      description: prompt.description,
      messages: [{ role: 'user', content: { type: 'text', text: prompt.text(chosen.choices) } }]
    }
    return okInRevision(call, result)
  }

  function readResource (call: MethodCall): Answer {
    const uri = call.params.uri as string
    const view = answers().views.get(uri)
    if (view === undefined) return error(call, INVALID_PARAMS, `Resource not found: ${uri}`, { uri })
    return ok(call, view[call.revision])
  }

  const list = (method: keyof Answers['lists']) => (call: MethodCall): Answer => ok(call, answers().lists[method][call.revision])

  const handlers: Record<MethodName, (call: MethodCall) => Answer | Promise<Answer>> = {
    initialize: call => ok(call, answers().initialize(negotiated(call.params.protocolVersion))),
    ping: call => ok(call, '{}'),
    'server/discover': call => ok(call, answers().discover),
    'tools/call': callTool,
    'tools/list': list('tools/list'),
    'prompts/list': list('prompts/list'),
    'prompts/get': getPrompt,
    'resources/list': list('resources/list'),
    'resources/templates/list': list('resources/templates/list'),
    'resources/read': readResource
  }

  /**
   * Answers a request in its revision, once its params are what the method takes (-32602 with 400);
   * a method the revision does not have is -32601 (with 404 in 2026-07-28).
   */
  return async (message: Message, call: MethodCall): Promise<Answer> => {
    const method = message.method as string
    if (hasMethod(method, call.revision)) {
      const refusal = paramsRefusalOf(method, message.params, fastify.mcpCatalog.argumentNames)
      if (refusal === undefined) return await handlers[method as MethodName](call)
      return { ...refused(refusal, call.id), errorType: String(INVALID_PARAMS) }
    }
    // A method of the other revision says which revision it belongs to and how to send it there.
    const elsewhere = call.revision === 'modern'
      ? hasMethod(method, 'legacy') ? `Method not found: ${method} left the protocol in 2026-07-28` : 'Method not found'
      : hasMethod(method, 'modern')
        ? `Method not found: ${method} is a 2026-07-28 method: send it with the MCP-Protocol-Version: 2026-07-28 and Mcp-Method headers and ` +
          'params._meta holding io.modelcontextprotocol/protocolVersion "2026-07-28" and io.modelcontextprotocol/clientCapabilities (docs/mcp.md)'
        : 'Method not found'
    return { ...error(call, METHOD_NOT_FOUND, elsewhere), status: call.revision === 'modern' ? 404 : 200 }
  }
}

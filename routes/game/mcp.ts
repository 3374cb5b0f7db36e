/**
 * POST /mcp: the game as a remote MCP server (Streamable HTTP, stateless), for ChatGPT apps and
 * connectors, Claude and every MCP client. Stateless: each POST gets its own server and transport,
 * so any replica can answer any call and nothing needs session affinity. The tool `play_move` takes
 * the same inputs as GET /human_move and answers the same object, from the same TypeBox schemas.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { type CallToolResult, CallToolRequestSchema, ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js'
import { Ajv } from 'ajv'
import type { FastifyInstance } from 'fastify'
import { type AjvError, validationMessage } from '../../plugins/app/errors.js'
import { packageInfo } from '../../plugins/package-info.js'
import { moveAnswer, moveRequestFrom, normalizeMoveInput, turnErrorAnswer } from './answer.js'
import { MoveAnswer, MoveQuery } from './schema.js'

/** Plain JSON Schema (TypeBox adds symbols for its own use). */
const jsonSchema = (schema: unknown): Tool['inputSchema'] => JSON.parse(JSON.stringify(schema))

// The same checks as Fastify applies to the query: defaults filled, unknown arguments dropped,
// "5" taken as 5.
const checkMoveArguments = new Ajv({ coerceTypes: true, useDefaults: true, removeAdditional: true, allErrors: false }).compile(jsonSchema(MoveQuery))

export const PLAY_MOVE_TOOL: Tool = {
  name: 'play_move',
  title: 'Play a tic-tac-toe move',
  description: 'Plays the AI\'s move in a tic-tac-toe game. Cells are numbered 1-9 row by row (1 2 3 top). ' +
    'Send the board from the last result as position_1..position_9 (X, O, or empty) and the player\'s new cell as human_position; ' +
    'the tool places it, plays the AI move, and returns the new board, status, winner, the AI move with its reason, and the positions for the next call. ' +
    'For a new game send an empty board with the player\'s first cell; to let the AI open, send an empty board with ai_player X.',
  inputSchema: jsonSchema(MoveQuery),
  outputSchema: jsonSchema(MoveAnswer) as Tool['outputSchema'],
  annotations: { title: 'Play a tic-tac-toe move', readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false }
}

const failure = (message: string): CallToolResult => ({ isError: true, content: [{ type: 'text', text: message }] })

function mcpServer (fastify: FastifyInstance): Server {
  const server = new Server(
    { name: packageInfo.name, version: packageInfo.version, title: 'Tic-tac-toe opponent' },
    { capabilities: { tools: {} }, instructions: 'Play tic-tac-toe with the user through play_move: pass the positions from the last result and the user\'s cell as human_position; show board_text and say message.' }
  )
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [PLAY_MOVE_TOOL] }))
  server.setRequestHandler(CallToolRequestSchema, async request => {
    if (request.params.name !== PLAY_MOVE_TOOL.name) return failure(`There is no tool "${request.params.name}"; the tool is play_move.`)
    const input = { ...request.params.arguments }
    normalizeMoveInput(input)
    if (!checkMoveArguments(input)) {
      return failure(`${validationMessage((checkMoveArguments.errors as AjvError[])[0], 'arguments', input)} See the tool's input schema.`)
    }
    const turn = fastify.engine.playTurn(moveRequestFrom(input as MoveQuery))
    if (!turn.ok) return failure(turnErrorAnswer(turn.error).message)
    const answer = moveAnswer(turn.turn)
    return {
      content: [{ type: 'text', text: `${answer.message}\n\n${answer.board_text}` }],
      structuredContent: answer
    }
  })
  return server
}

const METHOD_NOT_ALLOWED = {
  jsonrpc: '2.0',
  error: { code: -32000, message: 'This MCP server is stateless: send JSON-RPC requests with POST /mcp.' },
  id: null
}

export default async function mcp (fastify: FastifyInstance): Promise<void> {
  fastify.post('/mcp', { schema: { hide: true }, config: { action: true } }, async (request, reply) => {
    const server = mcpServer(fastify)
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
    // Closing can only fail on what is already gone: nothing to report.
    reply.raw.on('close', () => Promise.allSettled([transport.close(), server.close()]))
    await server.connect(transport)
    // The transport writes the answer itself; Fastify's hooks (log line, headers) still run.
    reply.hijack()
    reply.raw.setHeaders(new Map(Object.entries(reply.getHeaders()) as Array<[string, string]>))
    await transport.handleRequest(request.raw, reply.raw, request.body)
  })

  for (const method of ['GET', 'DELETE'] as const) {
    fastify.route({ method, url: '/mcp', schema: { hide: true }, config: { action: true }, handler: async (_request, reply) => reply.code(405).header('allow', 'POST').send(METHOD_NOT_ALLOWED) })
  }
}

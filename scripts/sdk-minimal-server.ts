/**
 * The reference for `npm run bench`'s MCP figures: the MCP SDK's own minimal server, built as its
 * serving guide builds one (typescript-sdk docs/serving/http.md): `createMcpHandler` with a new
 * `McpServer` per request and one trivial tool, served by plain `node:http` through `toNodeHandler`.
 * It answers both revisions (2025 through the SDK's stateless fallback, 2026-07-28 on its own path).
 */
import { createServer } from 'node:http'
import { toNodeHandler } from '@modelcontextprotocol/node'
import { McpServer, createMcpHandler } from '@modelcontextprotocol/server'
import * as z from 'zod/v4'

const handler = toNodeHandler(createMcpHandler(() => {
  const server = new McpServer({ name: 'minimal', version: '1.0.0' })
  server.registerTool('echo', { description: 'Echoes the text', inputSchema: z.object({ text: z.string() }) },
    async ({ text }) => ({ content: [{ type: 'text', text }] }))
  return server
}))

createServer((request, response) => { handler(request, response).catch(() => response.destroy()) }).listen(Number(process.env.PORT), '127.0.0.1')

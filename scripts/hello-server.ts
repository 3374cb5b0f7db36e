/**
 * The ceiling for `npm run bench`: a bare Fastify hello-world, no plugins, no logger, and the
 * same bare Fastify answering `POST /mcp` (its JSON body read) with a fixed JSON-RPC result of a
 * move's size: the reference for the MCP door's first answer after a start, and the web stack's
 * own cost of a POST with a JSON body.
 * With WORK_US, each request first busy-waits that many microseconds: the bench's control for how
 * the CPU time per request of a slower server grows beyond its own work (see bench-http.ts).
 */
import Fastify from 'fastify'

const workMs = Number(process.env.WORK_US ?? 0) / 1000
const fastify = Fastify()
fastify.get('/', async () => {
  if (workMs > 0) for (const end = performance.now() + workMs; performance.now() < end;);
  return { hello: 'world' }
})
// About the bytes of a move's tool result (670).
const RESULT = JSON.stringify({
  jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'x'.repeat(400) }], structuredContent: { text: 'y'.repeat(170) } }
})
fastify.post('/mcp', async (_request, reply) => await reply.type('application/json; charset=utf-8').send(RESULT))
await fastify.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })

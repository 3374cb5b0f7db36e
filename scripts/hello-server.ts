/**
 * The ceiling for `npm run bench`: a bare Fastify hello-world, no plugins, no logger, and the
 * same bare Fastify answering `POST /mcp` with a fixed JSON-RPC result (the reference for the MCP
 * door's first answer after a start).
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
fastify.post('/mcp', async () => ({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'hello' }] } }))
await fastify.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })

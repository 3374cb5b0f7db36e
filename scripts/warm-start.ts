/**
 * Run by the image's build: starts the built server once, asks /health and plays one MCP move, and
 * stops it, so Node's compile cache (NODE_COMPILE_CACHE) holds the code a start and a first move
 * compile: every start of the image then skips compiling it again.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'

const port = Number(process.env.WARM_PORT ?? 38080)
const server = spawn(process.execPath, [new URL('../server.js', import.meta.url).pathname], {
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SHUTDOWN_DRAIN_MS: '0' },
  stdio: 'inherit'
})
const base = `http://127.0.0.1:${port}`
for (let tries = 0; ; tries++) {
  try {
    if ((await fetch(`${base}/health`)).ok) break
  } catch (error) {
    if (tries > 200) throw error
  }
  await new Promise(resolve => setTimeout(resolve, 50))
}
const move = await fetch(`${base}/mcp`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'play_move', arguments: { ai_player: 'X' } } })
})
if (!move.ok) throw new Error(`the first move answered ${move.status}`)
server.kill('SIGTERM')
const [code] = await once(server, 'exit')
process.exitCode = code === 0 ? 0 : 1

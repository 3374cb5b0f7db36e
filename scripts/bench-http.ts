/**
 * npm run bench: the built server under load, beside a bare Fastify hello-world (the ceiling), in
 * one run on one machine. The server under test gets core 0 and this loader core 1 (taskset), so
 * they do not fight over a core. The targets take turns over several rounds and each figure is the
 * median of its rounds, so a burst of noise on this shared machine hits one round of each, not one
 * target. Prints requests/s, p50/p99 latency, the server's CPU time per request, start-up time to
 * the first answer and resident memory (medians of STARTS starts each), and the ratios to bare
 * Fastify. With redis-server on the machine, a second service process counts its rate limit in
 * Redis (REDIS_URL), measured beside the in-memory store under load and at a fixed rate, with
 * Redis's own CPU per move.
 *
 * The control: the same bare Fastify made to busy-wait WORK_US per request. Its CPU time per request
 * grows by more than WORK_US: a slower server leaves the loader idle between answers, and each
 * answer's write then also pays, in the server's own system time, for waking the loader up (seen
 * in --cpu-prof as time in writev: about 8 µs a request for bare Fastify, about 16 µs for the
 * service or the control). So the ratio charges any server slower than bare Fastify for that too.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import autocannon from 'autocannon'
import { reachablePositions } from '../engine/index.js'
import { positionsOf } from '../routes/human-move/answer.js'
import { benchChart } from './bench-chart.js'
import { benchGoals } from './bench-goals.js'
import { cpuSeconds } from './process-cpu.js'

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const STARTS = Number(process.env.BENCH_STARTS ?? 5)
const WORK_US = 35
const CONNECTIONS = 50
const dist = new URL('..', import.meta.url).pathname
const hasTaskset = (() => { try { execFileSync('taskset', ['-V'], { stdio: 'ignore' }); return true } catch { return false } })()

interface Server { child: ChildProcess, port: number, startupMs: number }

/** The first request a start is timed to: a GET path, or a POST to /mcp with its JSON body and headers. */
type FirstRequest = string | { body: string, headers: Record<string, string> }

/** The path a script answers once it listens (the SDK's minimal server answers anything, 405 included). */
const readyPath = (script: string): string => script.includes('hello') ? '/' : script.includes('sdk-minimal') ? '/mcp' : '/health'

/** Starts a script and waits for its first answer to `first` (its ready path by default): the start-up time. */
async function startServer (script: string, port: number, env: Record<string, string> = {}, first: FirstRequest = readyPath(script)): Promise<Server> {
  const args = ['node', `${dist}/${script}`]
  const started = performance.now()
  const child = hasTaskset
    ? spawn('taskset', ['-c', '0', ...args], { env: { ...process.env, PORT: String(port), ...env }, stdio: 'ignore' })
    : spawn(args[0], args.slice(1), { env: { ...process.env, PORT: String(port), ...env }, stdio: 'ignore' })
  const init: RequestInit = typeof first === 'string' ? {} : { method: 'POST', body: first.body, headers: first.headers }
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with status ${child.exitCode} before answering (is port ${port} free?)`)
    try {
      const res = await fetch(`http://127.0.0.1:${port}${typeof first === 'string' ? first : '/mcp'}`, init)
      await res.arrayBuffer()
      if (res.ok || script.includes('sdk-minimal')) break
    } catch { /* not listening yet */ }
    await new Promise(resolve => setTimeout(resolve, 2))
  }
  return { child, port, startupMs: performance.now() - started }
}

function rssMb (child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
}

/** cpuUs: the server's CPU time per request, which does not depend on whether the loader kept up. */
interface Figures { name: string, rps: number, p50: number, p99: number, cpuUs: number, errors: number, non2xx: number }

/** A request as autocannon takes it: a GET path (with headers of its own), or a POST to /mcp with its JSON body and headers. */
type Call = string | { get: string, headers: Record<string, string> } | { body: string, headers: Record<string, string> }

async function measureOnce (name: string, server: Server, calls: Call[]): Promise<Figures> {
  const { port } = server
  // A static list: autocannon encodes each request once, so the loader's cost does not depend on the target.
  const options: autocannon.Options = {
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    requests: calls.map(call => typeof call === 'string'
      ? { method: 'GET' as const, path: call }
      : 'get' in call
        ? { method: 'GET' as const, path: call.get, headers: call.headers }
        : { method: 'POST' as const, path: '/mcp', body: call.body, headers: call.headers })
  }
  const cpuBefore = cpuSeconds(server.child.pid as number)
  const result = await autocannon({ ...options, duration: DURATION_S })
  const cpuUs = (cpuSeconds(server.child.pid as number) - cpuBefore) * 1e6 / result.requests.total
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuUs,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx
  }
}

/** What the bench is doing, as it goes, on standard error (standard output is the report). */
const progress = (what: string): void => { process.stderr.write(`bench: ${what}\n`) }

const goals = benchGoals()
const goal = goals.check

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/**
 * Start-up to the first answer and resident memory once started (after half a second idle), the
 * median of STARTS starts, the two scripts taking turns. One start alone swings by 100 ms here.
 */
async function measureStarts (
  scripts: Array<{ script: string; env?: Record<string, string>; first?: FirstRequest }>,
  port: number
): Promise<Array<{ startupMs: number; rssMb: number }>> {
  const runs = scripts.map(() => ({ startupMs: [] as number[], rssMb: [] as number[] }))
  for (let i = 0; i < STARTS; i++) {
    for (const [k, { script, env, first }] of scripts.entries()) {
      const server = await startServer(script, port, env, first)
      await new Promise(resolve => setTimeout(resolve, 500))
      runs[k].startupMs.push(server.startupMs)
      runs[k].rssMb.push(rssMb(server.child))
      server.child.kill('SIGKILL')
      await new Promise(resolve => server.child.once('exit', resolve))
    }
  }
  return runs.map(run => ({ startupMs: median(run.startupMs), rssMb: median(run.rssMb) }))
}

/** Each target in turn, ROUNDS times; medians per target, errors summed. */
async function measure (targets: Array<{ name: string, server: Server, paths: Call[] }>): Promise<Figures[]> {
  progress(`warming up ${targets.length} targets (${DURATION_S} s each)`)
  for (const { name, server, paths } of targets) await measureOnce(name, server, paths.slice(0, 200)) // warm-up: JIT, connections
  const rounds: Figures[][] = targets.map(() => [])
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, { name, server, paths }] of targets.entries()) {
      progress(`round ${round + 1} of ${ROUNDS}, ${i + 1} of ${targets.length}: ${name}`)
      rounds[i].push(await measureOnce(name, server, paths))
    }
  }
  return rounds.map(figures => ({
    name: figures[0].name,
    rps: median(figures.map(f => f.rps)),
    p50: median(figures.map(f => f.p50)),
    p99: median(figures.map(f => f.p99)),
    cpuUs: median(figures.map(f => f.cpuUs)),
    errors: figures.reduce((sum, f) => sum + f.errors, 0),
    non2xx: figures.reduce((sum, f) => sum + f.non2xx, 0)
  }))
}

/** The rate the Redis store is compared at: a busy replica's, well below what one core serves. */
const FIXED_RATE = 4000

/**
 * Moves at FIXED_RATE a second, the service with its counts in memory and with them in Redis taking
 * turns, ROUNDS rounds: the median CPU per move of each service and of redis-server. At a fixed rate
 * both services answer the same calls; at full load the faster one would just answer more.
 */
async function measureFixedRate (
  memory: Server, shared: Server, redisPid: number, path: string
): Promise<{ memoryUs: number, sharedUs: number, redisUs: number }> {
  const once_ = async (server: Server): Promise<{ serverUs: number, redisUs: number }> => {
    const before = { server: cpuSeconds(server.child.pid as number), redis: cpuSeconds(redisPid) }
    const result = await autocannon({ url: `http://127.0.0.1:${server.port}${path}`, connections: 10, overallRate: FIXED_RATE, duration: DURATION_S })
    const per = (seconds: number): number => seconds * 1e6 / result.requests.total
    return { serverUs: per(cpuSeconds(server.child.pid as number) - before.server), redisUs: per(cpuSeconds(redisPid) - before.redis) }
  }
  const memoryUs: number[] = []
  const sharedUs: number[] = []
  const redisUs: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    progress(`round ${round + 1} of ${ROUNDS}: ${FIXED_RATE} moves a second, counted in memory, then in Redis`)
    memoryUs.push((await once_(memory)).serverUs)
    const withRedis = await once_(shared)
    sharedUs.push(withRedis.serverUs)
    redisUs.push(withRedis.redisUs)
  }
  return { memoryUs: median(memoryUs), sharedUs: median(sharedUs), redisUs: median(redisUs) }
}

const moveBoards = reachablePositions()
  .filter(p => p.turn === 'O')
  .map(p => Object.fromEntries(Object.entries(positionsOf(p.board)).filter(([, cell]) => cell !== '')))
const movePaths = moveBoards.map(board => `/human_move?${new URLSearchParams(board)}`)

/**
 * A tools/call as a client sends it in each revision: the 2025 form (a stateless server needs no
 * handshake), and the 2026-07-28 form with its `_meta` envelope and the revision, method and name headers.
 */
function toolCall (name: string, args: Record<string, unknown>, revision: '2025' | '2026-07-28'): Call {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
  const params: Record<string, unknown> = { name, arguments: args }
  if (revision === '2026-07-28') {
    Object.assign(headers, { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': name })
    params._meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0.0' },
      'io.modelcontextprotocol/clientCapabilities': {}
    }
  }
  return { body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params }), headers }
}
// autocannon builds each connection's requests when it starts: 2,097 bodies on 50 connections kept
// the loader busy for seconds at the start of every round, counted as latency. 100 positions vary
// the moves as well, at a twentieth of that.
const MCP_POSITIONS = 100
const mcpMoves = (revision: '2025' | '2026-07-28'): Call[] => moveBoards.slice(0, MCP_POSITIONS).map(board => toolCall('play_move', board, revision))
const trivialCalls = (revision: '2025' | '2026-07-28'): Call[] => [toolCall('echo', { text: 'hello' }, revision)]

/** A redis-server of the bench's own on the loader's core, or null when there is none to run. */
async function startRedis (port: number): Promise<ChildProcess | null> {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' })
  } catch {
    return null
  }
  const args = ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
  const redis = hasTaskset ? spawn('taskset', ['-c', '1', ...args], { stdio: 'ignore' }) : spawn(args[0], args.slice(1), { stdio: 'ignore' })
  await new Promise(resolve => setTimeout(resolve, 300))
  return redis
}

const SERVICE_ENV = { RATE_LIMIT_MAX: '100000000', LOG_LEVEL: 'info', HOST: '127.0.0.1', SHUTDOWN_DRAIN_MS: '0' }
// A start as a replica that scales to zero pays it: from exec to the first /health (bare Fastify:
// its GET /), and to the first answered MCP move (bare Fastify: a fixed answer to POST /mcp).
const firstMove = toolCall('play_move', { ai_player: 'X' }, '2026-07-28') as { body: string, headers: Record<string, string> }
progress(`${STARTS} starts each of the service and bare Fastify, to the first answer`)
const [bareStart, serviceStart, bareMcpStart, serviceMcpStart] = await measureStarts([
  { script: 'scripts/hello-server.js' },
  { script: 'server.js', env: SERVICE_ENV },
  { script: 'scripts/hello-server.js', first: { body: firstMove.body, headers: firstMove.headers } },
  { script: 'server.js', env: SERVICE_ENV, first: firstMove }
], 29205)
// The bench's ports sit below Linux's ephemeral range (32768 and up by default): a port there may be
// held by one of the loader's own outgoing connections, and the server then cannot listen on it.
const hello = await startServer('scripts/hello-server.js', 29201)
const control = await startServer('scripts/hello-server.js', 29206, { WORK_US: String(WORK_US) })
const service = await startServer('server.js', 29202, SERVICE_ENV)
const sdkMinimal = await startServer('scripts/sdk-minimal-server.js', 29207)
const redis = await startRedis(29204)
const withRedis = redis === null ? null : await startServer('server.js', 29203, { ...SERVICE_ENV, REDIS_URL: 'redis://127.0.0.1:29204' })

// Refusals, each beside a move: a refusal must cost less than a move, or refusing is the cheap way
// to keep the server busy. One service takes an API key (its refused-call allowance out of reach),
// one a single call a minute (every answer past it a 429).
const guarded = await startServer('server.js', 29210, { ...SERVICE_ENV, API_KEY: 'bench-key-0123456789' })
const limited = await startServer('server.js', 29211, { ...SERVICE_ENV, RATE_LIMIT_MAX: '1' })
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
const refusals: Array<{ name: string, server: Server, paths: Call[] }> = [
  { name: 'refusal: POST /mcp, not JSON (400)', server: service, paths: [{ body: '{"jsonrpc":', headers: MCP_HEADERS }] },
  { name: 'refusal: POST /mcp, 70 KB body (413)', server: service, paths: [{ body: `"${'x'.repeat(70_000)}"`, headers: MCP_HEADERS }] },
  { name: 'refusal: POST /mcp, text/xml (415)', server: service, paths: [{ body: '<a/>', headers: { ...MCP_HEADERS, 'content-type': 'text/xml' } }] },
  {
    name: 'refusal: GET /human_move, wrong API key (401)',
    server: guarded,
    paths: movePaths.slice(0, 100).map(path => ({ get: path, headers: { authorization: 'Bearer not-the-key' } }))
  },
  { name: 'refusal: GET /human_move past the allowance (429)', server: limited, paths: movePaths.slice(0, 100) }
]

const moves = `GET /human_move (${movePaths.length} positions)`
const results = await measure([
  { name: 'bare Fastify hello-world', server: hello, paths: ['/'] },
  { name: `control: bare Fastify + ${WORK_US} µs busy-wait`, server: control, paths: ['/'] },
  { name: 'bare Fastify POST /mcp: a tool call\'s JSON body read, a fixed answer of a move\'s size', server: hello, paths: mcpMoves('2025') },
  { name: `service ${moves}`, server: service, paths: movePaths },
  ...(withRedis === null ? [] : [{ name: `service ${moves}, rate limit in Redis`, server: withRedis, paths: movePaths }]),
  { name: 'service GET /health', server: service, paths: ['/health'] },
  { name: `service POST /mcp, play_move (2025; ${MCP_POSITIONS} positions)`, server: service, paths: mcpMoves('2025') },
  { name: `service POST /mcp, play_move (2026-07-28; ${MCP_POSITIONS} positions)`, server: service, paths: mcpMoves('2026-07-28') },
  { name: 'MCP SDK minimal server, trivial tool (2025)', server: sdkMinimal, paths: trivialCalls('2025') },
  { name: 'MCP SDK minimal server, trivial tool (2026-07-28)', server: sdkMinimal, paths: trivialCalls('2026-07-28') },
  ...refusals
])
const fixedRate = redis === null || withRedis === null ? undefined : await measureFixedRate(service, withRedis, redis.pid as number, movePaths[0])
const rssLoaded = rssMb(service.child)
for (const server of [hello, control, service, withRedis, sdkMinimal, guarded, limited]) server?.child.kill('SIGTERM')
redis?.kill('SIGTERM')

const cpu = os.cpus()[0]?.model ?? 'unknown cpu'
console.log(`machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}; ` +
  `${hasTaskset ? 'server on core 0, loader on core 1' : 'no taskset: server and loader share the cores'}`)
console.log(`load: ${CONNECTIONS} connections; ${ROUNDS} rounds of ${DURATION_S} s per target, taking turns, after a warm-up; medians shown; the ` +
  'service logs one line per request (to /dev/null)')
console.log('')
console.log('| target | requests/s | p50 ms | p99 ms | server CPU µs/request | errors | non-2xx |')
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
for (const r of results) console.log(`| ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.cpuUs.toFixed(1)} | ${r.errors} | ${r.non2xx} |`)
const [bare, controlled, barePost, move] = results
const redisMove = withRedis === null ? undefined : results[4]
const [mcp2025, mcp2026, sdk2025, sdk2026] = results.slice(-4 - refusals.length, results.length - refusals.length)
console.log('')
// A single loader process can be the limit for the bare server (its CPU then stays under 100%):
// the CPU time per request compares the servers' own costs whatever the loader managed.
const moveRatio = bare.cpuUs / move.cpuUs
console.log(`GET /human_move, CPU per request against bare Fastify's: ${moveRatio.toFixed(2)} (${move.cpuUs.toFixed(1)} µs against ` +
  `${bare.cpuUs.toFixed(1)} µs; ${goal('GET /human_move against bare Fastify', moveRatio, moveRatio >= 0.4, '>= 0.40')})`)
if (redisMove !== undefined) {
  console.log(`  with the rate limit in Redis: ${(bare.cpuUs / redisMove.cpuUs).toFixed(2)} (${redisMove.cpuUs.toFixed(1)} ` +
    `µs; the in-memory store ${move.cpuUs.toFixed(1)} µs)`)
} else console.log('  (no redis-server on this machine: the Redis store was not measured)')
if (fixedRate !== undefined) {
  const serviceRatio = fixedRate.sharedUs / fixedRate.memoryUs
  console.log(`at a fixed ${FIXED_RATE} moves a second, counted in Redis: the service ${serviceRatio.toFixed(2)}x its CPU per move with the count in ` +
    `memory (${fixedRate.sharedUs.toFixed(1)} µs against ${fixedRate.memoryUs.toFixed(1)} µs; ${goal('service with Redis', serviceRatio, serviceRatio <= 1.15, '<= 1.15x')}); ` +
    `Redis's own CPU ${fixedRate.redisUs.toFixed(1)} µs a move (${goal('Redis CPU per move', fixedRate.redisUs, fixedRate.redisUs <= 10, '<= 10 µs')}): ` +
    `one Redis core carries about ${Math.round(1e6 / fixedRate.redisUs)} moves a second at this rate`)
}
console.log(`  control: bare Fastify + ${WORK_US} µs of work used ${(controlled.cpuUs - bare.cpuUs).toFixed(1)} µs more than bare Fastify (ratio ` +
  `${(bare.cpuUs / controlled.cpuUs).toFixed(2)}): a slower server also pays the loader's wake-ups`)
// The web stack's own price of a POST with a JSON body over a GET, which an MCP move pays and a GPT move does not.
console.log(`bare Fastify: a POST with a tool call's JSON body costs ${(barePost.cpuUs / bare.cpuUs).toFixed(2)}x its GET ` +
  `(${barePost.cpuUs.toFixed(1)} µs against ${bare.cpuUs.toFixed(1)} µs, ${(barePost.cpuUs - bare.cpuUs).toFixed(1)} µs more)`)
for (const [revision, door, sdk] of [['2025', mcp2025, sdk2025], ['2026-07-28', mcp2026, sdk2026]] as const) {
  const ratio = door.cpuUs / move.cpuUs
  console.log(`MCP move (${revision}): ${ratio.toFixed(2)}x the same move through GET /human_move (${door.cpuUs.toFixed(1)} µs ` +
    `against ${move.cpuUs.toFixed(1)} µs; ${goal(`MCP move (${revision})`, ratio, ratio <= 1.25, '<= 1.25x')}), ${(door.cpuUs / sdk.cpuUs).toFixed(2)} of the ` +
    'SDK\'s minimal server\'s trivial call ' +
      `(${sdk.cpuUs.toFixed(1)} µs); p99 ${door.p99} ms`)
}
// Each refusal beside a move through the same door: the door's own framing is in both.
for (const refusal of results.slice(-refusals.length)) {
  const sameDoor = refusal.name.includes('/mcp') ? mcp2025 : move
  const ratio = refusal.cpuUs / sameDoor.cpuUs
  console.log(`${refusal.name}: ${ratio.toFixed(2)}x a move's CPU through the same door (${refusal.cpuUs.toFixed(1)} µs ` +
    `against ${sameDoor.cpuUs.toFixed(1)} µs; ${goal(refusal.name, ratio, ratio < 1, '< 1')})`)
}
const startRatio = serviceStart.startupMs / bareStart.startupMs
console.log(`start to the first /health: ${startRatio.toFixed(2)}x bare Fastify's first answer ` +
  `(${serviceStart.startupMs.toFixed(0)} ms against ${bareStart.startupMs.toFixed(0)} ms, medians of ${STARTS} starts; ` +
  `${goal('start to the first /health', startRatio, startRatio <= 1.1, '<= 1.1x')})`)
const mcpStartRatio = serviceMcpStart.startupMs / bareMcpStart.startupMs
console.log(`start to the first answered MCP move: ${mcpStartRatio.toFixed(2)}x bare Fastify's first POST /mcp ` +
  `(${serviceMcpStart.startupMs.toFixed(0)} ms against ${bareMcpStart.startupMs.toFixed(0)} ms; ` +
  `${goal('start to the first MCP move', mcpStartRatio, mcpStartRatio <= 1.6, '<= 1.6x')})`)
const memoryRatio = serviceMcpStart.rssMb / bareMcpStart.rssMb
console.log(`resident memory idle after the first move: ${memoryRatio.toFixed(2)}x bare Fastify's ` +
  `(${serviceMcpStart.rssMb.toFixed(0)} MB against ${bareMcpStart.rssMb.toFixed(0)} MB; ${goal('idle memory', memoryRatio, memoryRatio <= 1.1, '<= 1.1x')}); ` +
  `${rssLoaded.toFixed(0)} MB after the load`)

// The chart docs/performance.md shows, only when asked: --chart (docs/performance.svg, tracked) or
// --chart FILE. A run that is not meant for the docs leaves them alone.
const chartAt = process.argv.indexOf('--chart')
const chartArgument = chartAt === -1 ? undefined : process.argv[chartAt + 1]
const chart = chartAt === -1
  ? undefined
  : chartArgument !== undefined && !chartArgument.startsWith('--') ? chartArgument : new URL('../../docs/performance.svg', import.meta.url).pathname
if (chart !== undefined) {
  writeFileSync(chart, benchChart(`npm run bench: ${cpu}, ${os.cpus().length} cores, node ${process.version}`, results.map(({ name, cpuUs }) => ({ name, cpuUs })), [
    { name: 'to the first /health', ms: serviceStart.startupMs, reference: bareStart.startupMs },
    { name: 'to the first answered MCP move', ms: serviceMcpStart.startupMs, reference: bareMcpStart.startupMs }
  ]))
  console.log(`chart: ${chart}`)
}
const verdict = goals.verdict()
if (verdict.line !== undefined) console.log(verdict.line)
process.exitCode = verdict.exitCode

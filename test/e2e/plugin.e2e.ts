/**
 * `npm run plugin` as a builder runs it, against the built server on loopback, and the package it
 * writes loaded by the real clients, offline, each with a throwaway HOME: the Codex CLI from a local
 * marketplace (it lists the server and the skill), and Claude Code's validator with the plugin
 * directory's profile. A package for an https deployment passes that profile with no warning.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { unzipSync } from 'fflate'
import t from 'tap'
import { pluginFiles } from '../../scripts/plugin-package.js'
import { ACTIONS, SETTINGS, png } from '../plugin-fixture.js'
import { startBuiltServer } from '../process-helper.js'

const ROOT = new URL('../../', import.meta.url).pathname
const PLUGIN = join(ROOT, 'dist/scripts/plugin.js')
const BIN = join(ROOT, 'node_modules/.bin')

async function run (command: string, args: string[], env: Record<string, string> = {}): Promise<{ status: number | null, output: string }> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', chunk => { output += chunk })
  child.stderr.on('data', chunk => { output += chunk })
  const [status] = await once(child, 'exit')
  return { status: status as number | null, output }
}

const home = async (): Promise<Record<string, string>> => ({ HOME: await mkdtemp(join(tmpdir(), 'plugin-client-')) })

t.test('npm run plugin against the local server: the package, its ZIP, every rule, and the real clients load it', async t => {
  const server = await startBuiltServer(t)
  const work = await mkdtemp(join(tmpdir(), 'plugin-'))
  const out = join(work, 'tic-tac-toe')
  const made = await run(process.execPath, [PLUGIN, server.url, '--developer', 'Example Games', '--support', 'https://example.com/support', '--out', out])
  t.equal(made.status, 0, made.output)
  t.match(made.output, 'ready to upload')
  t.match(made.output, `note (local try): interface.privacyPolicyURL is not an https URL: ${server.url}/privacy`)
  t.notMatch(made.output, '✗')

  const zipped = unzipSync(await readFile(`${out}.zip`))
  t.ok('plugin.json' in zipped, 'the ZIP has plugin.json at its root')
  t.same(JSON.parse(new TextDecoder().decode(zipped['plugin.json'])), JSON.parse(await readFile(join(out, 'plugin.json'), 'utf8')))
  const manifest = JSON.parse(await readFile(join(out, 'plugin.json'), 'utf8'))
  t.equal(manifest.extensions['com.openai'].interface.screenshots.length, 3, 'a screenshot per default prompt')

  // Codex, from a local marketplace.
  const market = join(work, 'market')
  await cp(out, join(market, 'plugins/tic-tac-toe'), { recursive: true })
  await mkdir(join(market, '.agents/plugins'), { recursive: true })
  await writeFile(join(market, '.agents/plugins/marketplace.json'), JSON.stringify({
    name: 'local-test',
    plugins: [{ name: 'tic-tac-toe', source: { source: 'local', path: './plugins/tic-tac-toe' } }]
  }))
  const codexHome = await home()
  const codex = async (...args: string[]) => await run(join(BIN, 'codex'), args, codexHome)
  t.equal((await codex('plugin', 'marketplace', 'add', market)).status, 0)
  const added = await codex('plugin', 'add', 'tic-tac-toe@local-test')
  t.equal(added.status, 0, added.output)
  const listed = await codex('mcp', 'list', '--json')
  const servers = JSON.parse(listed.output.slice(listed.output.indexOf('[')))
  t.match(servers, [{ name: 'tic-tac-toe', enabled: true, transport: { type: 'streamable_http', url: `${server.url}/mcp` } }], 'Codex runs the server')
  const prompt = await codex('debug', 'prompt-input', 'Play tic-tac-toe with me')
  t.match(prompt.output, 'tic-tac-toe:play-move: Use when the user wants to play tic-tac-toe', 'and lists the skill')

  // Claude Code.
  const claude = await run(join(BIN, 'claude'), ['plugin', 'validate', '--profile', 'directory', out], await home())
  t.equal(claude.status, 0, claude.output)
  t.match(claude.output, 'skills: tic-tac-toe:play-move')
  t.match(claude.output, 'mcpServers: tic-tac-toe http')
})

t.test('a package for an https deployment passes Claude\'s plugin directory profile with no warning', async t => {
  const screenshot = png(706, 500)
  const files = pluginFiles({ ...SETTINGS, supportURL: 'https://example.com/support' }, ACTIONS, [screenshot, screenshot, screenshot], 2026)
  const out = await mkdtemp(join(tmpdir(), 'plugin-https-'))
  for (const [path, content] of files) {
    await mkdir(dirname(join(out, path)), { recursive: true })
    await writeFile(join(out, path), content)
  }
  const claude = await run(join(BIN, 'claude'), ['plugin', 'validate', '--profile', 'directory', '--strict', out], await home())
  t.equal(claude.status, 0, claude.output)
  t.notMatch(claude.output, /warning/i)
})

t.test('what the command refuses: a URL that is not https, and a value with no source, each in one line', async t => {
  const http = await run(process.execPath, [PLUGIN, 'http://tictactoe.example.com'])
  t.equal(http.status, 1)
  t.equal(http.output.trim().split('\n').length, 1)
  t.match(http.output, 'http://tictactoe.example.com is not https')
  const noDeveloper = await run(process.execPath, [PLUGIN, 'https://tictactoe.example.com', '--support', 'https://example.com'], { PLUGIN_DEVELOPER: '' })
  t.equal(noDeveloper.status, 1)
  t.match(noDeveloper.output, '✗ no value for the developer\'s name: pass --developer NAME (or set PLUGIN_DEVELOPER)')
  const usage = await run(process.execPath, [PLUGIN])
  t.equal(usage.status, 1)
  t.match(usage.output, /^usage: npm run plugin -- https:\/\/your\.host/)
})

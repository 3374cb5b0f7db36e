/**
 * npm run plugin -- <https://your.host> [--out DIR] [--developer NAME] [--support URL] [--token T] [...]
 *
 * The plugin package ChatGPT's plugin directory, Codex and Claude Code install, made from the
 * action definitions, the configuration (its environment, as the server reads it) and the
 * deployment: DIR (plugin/ by default) and DIR.zip, the folder as the directory's upload takes it.
 * Then it checks what it wrote and the live deployment, one line per rule, and exits 1 when one is
 * broken (scripts/plugin-rules.ts; docs/plugin.md).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import Fastify from 'fastify'
import { zipSync } from 'fflate'
import app from '../app.js'
import { ConfigError, loadConfig } from '../plugins/config.js'
import { packageInfo } from '../lib/files.js'
import { isLoopbackUrl } from '../packages/check-hosts/src/rules.js'
import { DEFAULT_PROMPTS_MAX, type PluginAction, type PluginFiles, type PluginSettings, pluginFiles } from './plugin-package.js'
import { type Deployment, RULES, type RuleId, pluginRules } from './plugin-rules.js'
import { viewShots } from './plugin-shots.js'

type Json = Record<string, any>

/** Each flag, the variable that may set it instead, and its default for this service. */
const FLAGS = {
  out: { variable: 'PLUGIN_OUT', fallback: 'plugin' },
  name: { variable: 'PLUGIN_NAME', fallback: 'tic-tac-toe' },
  developer: { variable: 'PLUGIN_DEVELOPER', fallback: undefined },
  website: { variable: 'PLUGIN_WEBSITE', fallback: undefined },
  support: { variable: 'PLUGIN_SUPPORT', fallback: undefined },
  category: { variable: 'PLUGIN_CATEGORY', fallback: 'Entertainment' },
  'brand-color': { variable: 'PLUGIN_BRAND_COLOR', fallback: '#2F5FD0' },
  'brand-color-dark': { variable: 'PLUGIN_BRAND_COLOR_DARK', fallback: '#7AA2F7' },
  repository: { variable: 'PLUGIN_REPOSITORY', fallback: undefined },
  token: { variable: 'PLUGIN_TOKEN', fallback: undefined }
} as const
type Flag = keyof typeof FLAGS

export const USAGE = 'usage: npm run plugin -- https://your.host [--out DIR] [--developer NAME] [--support URL] [--website URL] [--category NAME] ' +
  '[--brand-color #RRGGBB] [--brand-color-dark #RRGGBB] [--repository URL] [--name NAME] [--token ACCESS_TOKEN]'

/** The command line read: the deployment and each flag, or the one line that says what is wrong. */
export function readArguments (argv: readonly string[], env: NodeJS.ProcessEnv): { url: string, flags: Partial<Record<Flag, string>> } | { problem: string } {
  const flags: Partial<Record<Flag, string>> = {}
  let target: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg.startsWith('--')) {
      const name = arg.slice(2) as Flag
      if (!(name in FLAGS)) return { problem: `unknown flag ${arg}. ${USAGE}` }
      const value = argv[++i]
      if (value === undefined) return { problem: `${arg} needs a value. ${USAGE}` }
      flags[name] = value
    } else if (target === undefined) target = arg
    else return { problem: `one deployment URL at a time (got ${target} and ${arg}). ${USAGE}` }
  }
  for (const [name, { variable, fallback }] of Object.entries(FLAGS) as Array<[Flag, { variable: string, fallback: string | undefined }]>) {
    // (A variable set empty is unset, as a shell's `VAR=` means.)
    flags[name] ??= env[variable] === '' ? fallback : env[variable] ?? fallback
  }
  if (target === undefined) return { problem: USAGE }
  let url: URL
  try {
    url = new URL(target)
  } catch {
    return { problem: `${target} is not a URL: give the deployment's, such as https://tictactoe.example.com` }
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackUrl(url))) {
    return { problem: `${target} is not https: ChatGPT, Codex and Claude reach a plugin's server over https only (http is taken on loopback, to try it).` }
  }
  return { url: url.origin + url.pathname.replace(/\/+$/, ''), flags }
}

/** The actions as the service defines them, read from the app built with this configuration. */
async function actionsOf (env: NodeJS.ProcessEnv): Promise<PluginAction[]> {
  const server = Fastify({ logger: false })
  await server.register(app, { config: loadConfig({ ...env, LOG_LEVEL: 'silent', REDIS_URL: undefined, OTEL_EXPORTER_OTLP_ENDPOINT: undefined }) })
  await server.ready()
  const actions = server.actions.map(({ toolName, title, guide }) => ({ toolName, title, guide }))
  await server.close()
  return actions
}

/** What the deployment answers: its tools (tools/list) and its privacy and terms pages. */
async function deploymentOf (url: string, token: string | undefined): Promise<Deployment> {
  let tools: Json[] | undefined
  try {
    const client = new Client({ name: 'plugin-check', version: '1.0.0' })
    const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` }
    await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } }))
    tools = (await client.listTools()).tools as Json[]
    await client.close()
  } catch {}
  const pages: Deployment['pages'] = {}
  for (const path of ['/privacy', '/terms']) {
    try {
      const res = await fetch(`${url}${path}`, { headers: { accept: 'text/html' } })
      await res.body?.cancel()
      pages[path] = { status: res.status, type: res.headers.get('content-type') ?? '' }
    } catch {
      pages[path] = undefined
    }
  }
  return { tools, pages }
}

export interface PluginResult { ok: boolean, lines: string[], files?: PluginFiles }

export async function makePlugin (argv: readonly string[], env: NodeJS.ProcessEnv, now = new Date()): Promise<PluginResult> {
  const read = readArguments(argv, env)
  if ('problem' in read) return { ok: false, lines: [read.problem] }
  const { url, flags } = read
  const contact = env.CONTACT
  const support = flags.support ?? (contact === undefined ? undefined : contact.includes('@') && !contact.includes('://') ? `mailto:${contact}` : contact)
  const missing = [
    ...(flags.developer === undefined ? ['the developer\'s name: pass --developer NAME (or set PLUGIN_DEVELOPER)'] : []),
    ...(support === undefined ? ['a support address: pass --support URL (or set PLUGIN_SUPPORT, or CONTACT as the service reads it)'] : [])
  ]
  if (missing.length > 0) return { ok: false, lines: missing.map(what => `✗ no value for ${what}`) }
  let actions: PluginAction[]
  try {
    actions = await actionsOf(env)
  } catch (error) {
    const why = error instanceof ConfigError ? `the configuration: ${error.message}` : (error as Error).message
    return { ok: false, lines: [`✗ could not read the action definitions from ${why}`] }
  }
  const settings: PluginSettings = {
    url,
    name: flags.name as string,
    version: packageInfo.version,
    description: packageInfo.description,
    license: 'MIT',
    keywords: ['tic-tac-toe', 'game', 'mcp'],
    ...(flags.repository !== undefined ? { repository: flags.repository } : {}),
    displayName: 'Tic-tac-toe',
    shortDescription: 'A perfect tic-tac-toe opponent',
    longDescription: `${packageInfo.description} Play in the chat: say which cell you take, or let the AI open; choose easy, medium or hard; ` +
      'ask why it played a move. In ChatGPT and Claude the game is a board to click. The AI never loses on hard.',
    developerName: flags.developer as string,
    category: flags.category as string,
    capabilities: ['Interactive'],
    websiteURL: flags.website ?? url,
    supportURL: support as string,
    brandColor: flags['brand-color'] as string,
    brandColorDark: flags['brand-color-dark'] as string
  }
  const lines = [`plugin for ${url}/mcp`]
  const calls = actions.flatMap(action => (action.guide.examples ?? []).map(args => ({ tool: action.toolName, args })))
    .slice(0, Math.min(DEFAULT_PROMPTS_MAX, actions.flatMap(action => action.guide.starters).length))
  let screenshots: Uint8Array[] = []
  try {
    screenshots = await viewShots(`${url}/mcp`, calls, { ...(flags.token !== undefined ? { token: flags.token } : {}) })
  } catch (error) {
    lines.push(`✗ could not take the screenshots: ${(error as Error).message}`)
  }
  const files = pluginFiles(settings, actions, screenshots, now.getUTCFullYear())
  // Tried on loopback, the pages cannot be https yet: said as notes, as check:gpt says them.
  const local = isLoopbackUrl(new URL(url))
  const all = pluginRules(files, url, await deploymentOf(url, flags.token))
  const isNote = (finding: { what: string }): boolean => local && / is not an https URL: http:\/\//.test(finding.what)
  const findings = all.filter(finding => !isNote(finding))
  const out = resolve(flags.out as string)
  await rm(out, { recursive: true, force: true })
  for (const [path, content] of files) {
    await mkdir(dirname(join(out, path)), { recursive: true })
    await writeFile(join(out, path), content)
  }
  const bytes = (content: string | Uint8Array): Uint8Array => typeof content === 'string' ? new TextEncoder().encode(content) : content
  const zipped = zipSync(Object.fromEntries([...files].map(([path, content]) => [path, bytes(content)])))
  await writeFile(`${out}.zip`, zipped)
  lines.push(`wrote ${out}/ (${files.size} files) and ${out}.zip`)
  const broken = new Map<RuleId, string[]>()
  for (const { rule, what } of findings) broken.set(rule, [...broken.get(rule) ?? [], what])
  for (const [rule, { title, source }] of Object.entries(RULES) as Array<[RuleId, { title: string, source: string }]>) {
    const problems = broken.get(rule)
    if (problems === undefined) {
      lines.push(`✓ ${title}`)
      continue
    }
    lines.push(`✗ ${title} (${source})`)
    for (const problem of problems) lines.push(`    - ${problem}`)
  }
  for (const note of all.filter(isNote)) lines.push(`note (local try): ${note.what}; the deployed URL must be https`)
  const ok = findings.length === 0 && screenshots.length > 0
  lines.push(ok ? 'ready to upload' : 'not ready: fix the lines marked ✗')
  return { ok, lines, files }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { ok, lines } = await makePlugin(process.argv.slice(2), process.env)
  process.stdout.write(`${lines.join('\n')}\n`)
  process.exit(ok ? 0 : 1)
}

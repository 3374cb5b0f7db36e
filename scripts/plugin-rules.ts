/**
 * The rules a plugin package must meet before upload, as pure checks over its files and what the
 * deployment answered: the Agent Plugins 1.0.0 schemas and spec, the Agent Skills format, OpenAI's
 * plugin fields and review, Claude's plugin directory, and the live server. Every rule names its
 * source; `npm run plugin` prints one line per broken rule (see ../docs/plugin.md).
 */
import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { parse as parseYaml } from 'yaml'
import { type Rgba, contrastRatio } from '../packages/check-hosts/src/rules.js'
import { MCP_SCHEMA, PLUGIN_SCHEMA, type PluginFiles } from './plugin-package.js'

export interface Rule { title: string, source: string }

const SPEC = 'Agent Plugins 1.0.0'
const SKILLS = 'Agent Skills specification'
const OPENAI = 'OpenAI: Plugins, "Submit and publish" and the plugin.json field guide'
const CLAUDE = 'Claude: plugin directory (claude plugin validate --profile directory)'

export const RULES = {
  'manifest-schema': { title: 'plugin.json matches the 1.0.0 schema (closed: ten fields; the name rule)', source: `${SPEC}, sections 5.2-5.5` },
  'mcp-schema': { title: 'mcp.json matches the 1.0.0 schema', source: `${SPEC}, section 7.2` },
  'one-server': {
    title: 'one MCP server, streamable-http, at the deployment\'s /mcp, with no headers',
    source: `${OPENAI} (one MCP server per plugin; headers are package data)`
  },
  'interface-text': {
    title: 'displayName and shortDescription at most 30 characters, longDescription 4,000, developerName 80, a category, capabilities at most 20 of 120',
    source: OPENAI
  },
  'interface-urls': { title: 'websiteURL, supportURL, privacyPolicyURL and termsOfServiceURL given, over https', source: OPENAI },
  'default-prompts': { title: 'one to three default prompts, unique, at most 128 characters, no @mention', source: OPENAI },
  'brand-colors': { title: 'brandColor and brandColorDark as #RRGGBB, at least 2:1 against white and against #212121', source: OPENAI },
  icons: {
    title: 'logo and composerIcon (and their dark forms): ./ paths in the package, PNG or SVG, square, at least 48 px, 5 MiB at most',
    source: OPENAI
  },
  screenshots: { title: 'one screenshot per default prompt, exactly 706 px wide and 400 to 860 px tall', source: OPENAI },
  'review-cases': {
    title: 'review.test_cases: exactly 5 positive (description, prompt, tools_triggered naming the server\'s tools, expected_behavior) and 3 negative',
    source: `${OPENAI} (the first review)`
  },
  'no-secrets': { title: 'no test_credentials, reviewer_instructions or clientSecret, no app references (.app.json) and no hooks', source: `${OPENAI} (the upload refuses them)` },
  skills: {
    title: 'each skill: frontmatter with only the spec\'s fields, name equal to its folder (lowercase and hyphens, 64 at most), a description of ' +
      '1,024 at most, a body under 500 lines',
    source: `${SKILLS}; ${SPEC}, section 7.1`
  },
  'claude-plugin': { title: '.claude-plugin/plugin.json with a kebab-case name, and .mcp.json with the same server as type http', source: CLAUDE },
  'readme-license': { title: 'a README.md and a LICENSE', source: CLAUDE },
  annotations: {
    title: 'every tool of the server says readOnlyHint, destructiveHint and openWorldHint',
    source: 'OpenAI: Apps SDK reference, "Tool descriptor parameters"'
  },
  pages: { title: 'the privacy policy and terms pages answer with HTML', source: OPENAI }
} as const satisfies Record<string, Rule>

export type RuleId = keyof typeof RULES
export interface Finding { rule: RuleId, what: string }

export const LIMITS = {
  displayName: 30,
  shortDescription: 30,
  longDescription: 4000,
  developerName: 80,
  capabilities: 20,
  capability: 120,
  prompts: 3,
  prompt: 128,
  iconMin: 48,
  assetBytes: 5 * 2 ** 20,
  screenshotWidth: 706,
  screenshotHeights: [400, 860],
  positive: 5,
  negative: 3,
  skillName: 64,
  skillDescription: 1024,
  skillLines: 500,
  contrast: 2
} as const

type Json = Record<string, any>
const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value)

// Read from the sources, whether this runs from them or from dist/scripts/.
const root = new URL(import.meta.url.includes('/dist/scripts/') ? '../../' : '../', import.meta.url)
const schemaOf = (name: string): Json => JSON.parse(readFileSync(new URL(`scripts/plugin-schemas/${name}`, root), 'utf8'))
const pluginSchema = schemaOf('plugin.schema.json')
const mcpSchema = schemaOf('mcp.schema.json')
/** The manifest's fields by the specification's text (section 5.2), which the schema's copy widens by displayName. */
export const MANIFEST_FIELDS = ['$schema', 'name', 'version', 'description', 'author', 'homepage', 'repository', 'license', 'keywords', 'extensions']

const ajv = new Ajv2020({ allErrors: true, strict: false })
// The vendored schemas keep the identifiers of the copy they came from; the spec's canonical ones are checked apart.
const checkManifest = ajv.compile(pluginSchema)
const checkMcp = ajv.compile(mcpSchema)
const ajvLines = (errors: typeof checkManifest.errors): string =>
  (errors ?? []).map(error => `${error.instancePath === '' ? '(top level)' : error.instancePath} ${error.message ?? ''}${
    error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : ''}`).join('; ')

const text = (files: PluginFiles, path: string): string | undefined => {
  const file = files.get(path)
  return file === undefined ? undefined : typeof file === 'string' ? file : Buffer.from(file).toString('utf8')
}
function jsonOf (files: PluginFiles, path: string): Json | undefined {
  const source = text(files, path)
  if (source === undefined) return undefined
  try {
    const value = JSON.parse(source)
    return isObject(value) ? value : undefined
  } catch {
    return undefined
  }
}

/** `#RRGGBB` as a colour, or undefined. */
export function hexColor (value: unknown): Rgba | undefined {
  if (typeof value !== 'string' || !/^#[0-9A-Fa-f]{6}$/.test(value)) return undefined
  const channel = (at: number): number => Number.parseInt(value.slice(at, at + 2), 16)
  return { r: channel(1), g: channel(3), b: channel(5), a: 1 }
}
const WHITE = { r: 255, g: 255, b: 255, a: 1 }
const CHATGPT_DARK = { r: 33, g: 33, b: 33, a: 1 }

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/**
 * An image's format and size: a PNG's from its header, an SVG's from its svg element's width and
 * height. (The directory also takes JPEG and WebP; the package writes neither.)
 */
export function imageSize (bytes: Uint8Array): { format: string, width: number, height: number } | undefined {
  const buffer = Buffer.from(bytes)
  if (buffer.subarray(0, 8).equals(PNG_SIGNATURE) && buffer.length >= 24) {
    return { format: 'png', width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) }
  }
  const svg = /<svg\b[^>]*>/i.exec(buffer.toString('utf8'))?.[0]
  if (svg === undefined) return undefined
  const attribute = (name: string): number => Number(new RegExp(`\\s${name}="([\\d.]+)(?:px)?"`).exec(svg)?.[1] ?? Number.NaN)
  return { format: 'svg', width: attribute('width'), height: attribute('height') }
}
function interfaceRules (openai: Json, files: PluginFiles, url: string, findings: Finding[]): void {
  const face = isObject(openai.interface) ? openai.interface : {}
  const add = (rule: RuleId, what: string): void => { findings.push({ rule, what }) }
  for (const field of ['displayName', 'shortDescription', 'longDescription', 'developerName'] as const) {
    const value = face[field]
    if (typeof value !== 'string' || value.trim() === '') add('interface-text', `interface.${field} is missing`)
    else if (value.length > LIMITS[field]) add('interface-text', `interface.${field} has ${value.length} characters (at most ${LIMITS[field]})`)
  }
  if (typeof face.category !== 'string' || face.category === '') add('interface-text', 'interface.category is missing')
  const capabilities: unknown[] = Array.isArray(face.capabilities) ? face.capabilities : []
  if (capabilities.length > LIMITS.capabilities) add('interface-text', `interface.capabilities has ${capabilities.length} entries (at most ${LIMITS.capabilities})`)
  for (const capability of capabilities) {
    if (typeof capability !== 'string' || capability.length > LIMITS.capability) add('interface-text', `a capability is not a string of at most ${LIMITS.capability} characters`)
  }
  for (const field of ['websiteURL', 'supportURL', 'privacyPolicyURL', 'termsOfServiceURL']) {
    const value = face[field]
    if (typeof value !== 'string') {
      add('interface-urls', `interface.${field} is missing`)
      continue
    }
    // A support address may be an e-mail address; everything else is a page.
    if (field === 'supportURL' && value.startsWith('mailto:')) continue
    let parsed: URL | undefined
    try { parsed = new URL(value) } catch {}
    if (parsed?.protocol !== 'https:') add('interface-urls', `interface.${field} is not an https URL: ${value}`)
  }
  if (face.privacyPolicyURL !== `${url}/privacy`) add('interface-urls', `interface.privacyPolicyURL is not the deployment's ${url}/privacy`)
  const prompts: unknown[] = Array.isArray(face.defaultPrompt) ? face.defaultPrompt : []
  if (prompts.length < 1 || prompts.length > LIMITS.prompts) add('default-prompts', `interface.defaultPrompt has ${prompts.length} prompts (1 to ${LIMITS.prompts})`)
  if (new Set(prompts).size !== prompts.length) add('default-prompts', 'interface.defaultPrompt repeats a prompt')
  for (const prompt of prompts) {
    if (typeof prompt !== 'string' || prompt.length > LIMITS.prompt) add('default-prompts', `a default prompt is not a string of at most ${LIMITS.prompt} characters`)
    else if (/(^|\s)@[A-Za-z0-9_-]+/.test(prompt)) add('default-prompts', `the default prompt "${prompt}" @mentions an app`)
  }
  for (const [field, against, name] of [['brandColor', WHITE, 'white'], ['brandColorDark', CHATGPT_DARK, '#212121']] as const) {
    const color = hexColor(face[field])
    if (color === undefined) add('brand-colors', `interface.${field} is not #RRGGBB: ${String(face[field])}`)
    else if (contrastRatio(color, against) < LIMITS.contrast) {
      add('brand-colors', `interface.${field} ${String(face[field])} has ${contrastRatio(color, against).toFixed(2)}:1 against ${name} (at least 2:1)`)
    }
  }
  for (const field of ['logo', 'logoDark', 'composerIcon', 'composerIconDark']) {
    const path = face[field]
    if (path === undefined && field.endsWith('Dark')) continue
    if (typeof path !== 'string' || !path.startsWith('./')) {
      add('icons', `interface.${field} is not a ./ path in the package`)
      continue
    }
    const file = files.get(path.slice(2))
    const size = file === undefined ? undefined : imageSize(typeof file === 'string' ? Buffer.from(file) : file)
    if (file === undefined) add('icons', `interface.${field}: ${path} is not in the package`)
    else if (size === undefined) add('icons', `interface.${field}: ${path} is not a PNG or SVG image`)
    else if (size.width !== size.height || !(size.width >= LIMITS.iconMin)) add('icons', `interface.${field}: ${path} is ${size.width}x${size.height} (square, at least ${LIMITS.iconMin} px)`)
    else if (file.length > LIMITS.assetBytes) add('icons', `interface.${field}: ${path} has ${file.length} bytes (5 MiB at most)`)
  }
  const screenshots: unknown[] = Array.isArray(face.screenshots) ? face.screenshots : []
  if (screenshots.length !== prompts.length) add('screenshots', `${screenshots.length} screenshots for ${prompts.length} default prompts (one each)`)
  for (const path of screenshots) {
    const file = typeof path === 'string' && path.startsWith('./') ? files.get(path.slice(2)) : undefined
    const size = file === undefined ? undefined : imageSize(typeof file === 'string' ? Buffer.from(file) : file)
    const [low, high] = LIMITS.screenshotHeights
    if (size === undefined) add('screenshots', `${String(path)} is not an image in the package`)
    else if (size.width !== LIMITS.screenshotWidth || size.height < low || size.height > high) {
      add('screenshots', `${String(path)} is ${size.width}x${size.height} (exactly ${LIMITS.screenshotWidth} wide, ${low} to ${high} tall)`)
    }
  }
}

function reviewRules (openai: Json, tools: readonly string[], findings: Finding[]): void {
  const cases = isObject(openai.review) && isObject(openai.review.test_cases) ? openai.review.test_cases : {}
  const positive: unknown[] = Array.isArray(cases.positive) ? cases.positive : []
  const negative: unknown[] = Array.isArray(cases.negative) ? cases.negative : []
  const add = (what: string): void => { findings.push({ rule: 'review-cases', what }) }
  if (positive.length !== LIMITS.positive) add(`${positive.length} positive test cases (exactly ${LIMITS.positive})`)
  if (negative.length !== LIMITS.negative) add(`${negative.length} negative test cases (exactly ${LIMITS.negative})`)
  positive.forEach((test, i) => {
    const missing = ['description', 'prompt', 'expected_behavior'].filter(field => !isObject(test) || typeof test[field] !== 'string' || test[field] === '')
    if (missing.length > 0) add(`positive case ${i + 1} lacks ${missing.join(', ')}`)
    const triggered: unknown[] = isObject(test) && Array.isArray(test.tools_triggered) ? test.tools_triggered : []
    if (triggered.length === 0) add(`positive case ${i + 1} names no tools_triggered`)
    for (const tool of triggered) if (!tools.includes(String(tool))) add(`positive case ${i + 1} triggers ${String(tool)}, which the server does not list`)
  })
  negative.forEach((test, i) => {
    if (!isObject(test) || typeof test.prompt !== 'string' || test.prompt === '') add(`negative case ${i + 1} has no prompt`)
  })
}

const SKILL_FIELDS = new Set(['name', 'description', 'license', 'compatibility', 'metadata', 'allowed-tools'])

function skillRules (files: PluginFiles, findings: Finding[]): void {
  const skills = [...files.keys()].filter(path => /^skills\/[^/]+\/SKILL\.md$/.test(path))
  const add = (what: string): void => { findings.push({ rule: 'skills', what }) }
  if (skills.length === 0) add('no skill in skills/<name>/SKILL.md')
  for (const path of skills) {
    const folder = path.split('/')[1]
    const source = text(files, path) as string
    const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(source)
    if (match === null) {
      add(`${path} has no frontmatter`)
      continue
    }
    let front: unknown
    try { front = parseYaml(match[1]) } catch {}
    if (!isObject(front)) {
      add(`${path}: its frontmatter is not YAML of fields`)
      continue
    }
    const extra = Object.keys(front).filter(field => !SKILL_FIELDS.has(field))
    if (extra.length > 0) add(`${path}: frontmatter fields the spec does not define: ${extra.join(', ')}`)
    const { name, description } = front
    if (name !== folder) add(`${path}: name ${JSON.stringify(name)} is not its folder's, ${folder}`)
    if (typeof name !== 'string' || name.length > LIMITS.skillName || !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name)) {
      add(`${path}: name must be lowercase letters, digits and single hyphens, at most ${LIMITS.skillName}`)
    }
    if (typeof description !== 'string' || description === '' || description.length > LIMITS.skillDescription) {
      add(`${path}: description must say when to use it in 1 to ${LIMITS.skillDescription} characters`)
    }
    const lines = match[2].split('\n').length
    if (lines >= LIMITS.skillLines) add(`${path}: the body has ${lines} lines (under ${LIMITS.skillLines})`)
  }
}

/** What the command read of the live deployment. */
export interface Deployment {
  /** The server's tools, as tools/list gave them; undefined when it could not be asked. */
  tools: Json[] | undefined
  /** Each page's status and content type: /privacy and /terms. */
  pages: Record<string, { status: number, type: string } | undefined>
}

/** Every broken rule of the package written for `url` (the deployment, no trailing slash), and of the deployment. */
export function pluginRules (files: PluginFiles, url: string, deployment: Deployment): Finding[] {
  const findings: Finding[] = []
  const add = (rule: RuleId, what: string): void => { findings.push({ rule, what }) }
  const manifest = jsonOf(files, 'plugin.json')
  if (manifest === undefined) add('manifest-schema', 'plugin.json is missing or not a JSON object')
  else {
    if (!checkManifest({ ...manifest, $schema: pluginSchema.properties.$schema.const })) add('manifest-schema', ajvLines(checkManifest.errors))
    if (manifest.$schema !== PLUGIN_SCHEMA) add('manifest-schema', `$schema is ${JSON.stringify(manifest.$schema)}, not ${PLUGIN_SCHEMA}`)
    const unknown = Object.keys(manifest).filter(field => !MANIFEST_FIELDS.includes(field))
    if (unknown.length > 0) add('manifest-schema', `fields the manifest does not have: ${unknown.join(', ')}`)
  }
  const openai = isObject(manifest?.extensions) && isObject(manifest.extensions['com.openai']) ? manifest.extensions['com.openai'] : {}
  interfaceRules(openai, files, url, findings)
  const tools = (deployment.tools ?? []).map(tool => String(tool.name))
  reviewRules(openai, tools, findings)

  const mcp = jsonOf(files, 'mcp.json')
  if (mcp === undefined) add('mcp-schema', 'mcp.json is missing or not a JSON object')
  else {
    if (!checkMcp({ ...mcp, $schema: mcpSchema.properties.$schema.const })) add('mcp-schema', ajvLines(checkMcp.errors))
    if (mcp.$schema !== MCP_SCHEMA) add('mcp-schema', `$schema is ${JSON.stringify(mcp.$schema)}, not ${MCP_SCHEMA}`)
    const servers = isObject(mcp.mcpServers) ? Object.values(mcp.mcpServers) : []
    if (servers.length !== 1) add('one-server', `mcp.json names ${servers.length} servers`)
    for (const server of servers) {
      if (!isObject(server) || server.type !== 'streamable-http' || server.url !== `${url}/mcp`) add('one-server', `a server is not streamable-http at ${url}/mcp`)
      if (isObject(server) && server.headers !== undefined) add('one-server', 'a server carries headers (anyone who installs the plugin reads them)')
    }
  }

  // Anywhere in the package's JSON: what the upload refuses.
  for (const [path, file] of files) {
    if (path.endsWith('.app.json') || path === 'hooks.json' || path.startsWith('hooks/') || /^[^/]+\/hooks\//.test(path)) {
      add('no-secrets', `${path} is not allowed in an upload`)
    }
    if (!path.endsWith('.json')) continue
    const source = typeof file === 'string' ? file : Buffer.from(file).toString('utf8')
    for (const key of ['test_credentials', 'reviewer_instructions', 'clientSecret']) if (source.includes(`"${key}"`)) add('no-secrets', `${path} holds ${key}`)
  }
  skillRules(files, findings)

  const claude = jsonOf(files, '.claude-plugin/plugin.json')
  if (claude === undefined || typeof claude.name !== 'string' || !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(claude.name)) {
    add('claude-plugin', '.claude-plugin/plugin.json is missing or its name is not kebab-case')
  }
  const claudeMcp = jsonOf(files, '.mcp.json')
  const claudeServers = isObject(claudeMcp?.mcpServers) ? Object.values(claudeMcp.mcpServers) : []
  if (claudeServers.length !== 1 || !claudeServers.every(server => isObject(server) && server.type === 'http' && server.url === `${url}/mcp`)) {
    add('claude-plugin', `.mcp.json does not name one http server at ${url}/mcp`)
  }
  for (const path of ['README.md', 'LICENSE']) if (!files.has(path)) add('readme-license', `${path} is missing`)

  if (deployment.tools === undefined) add('annotations', `the server at ${url}/mcp could not be asked for its tools`)
  for (const tool of deployment.tools ?? []) {
    const hints = isObject(tool.annotations) ? tool.annotations : {}
    const missing = ['readOnlyHint', 'destructiveHint', 'openWorldHint'].filter(hint => typeof hints[hint] !== 'boolean')
    if (missing.length > 0) add('annotations', `${String(tool.name)} lacks ${missing.join(', ')}`)
  }
  for (const [path, page] of Object.entries(deployment.pages)) {
    if (page === undefined || page.status !== 200 || !page.type.startsWith('text/html')) {
      add('pages', `${url}${path} ${page === undefined ? 'does not answer' : `answers ${page.status} ${page.type}`}`)
    }
  }
  return findings
}

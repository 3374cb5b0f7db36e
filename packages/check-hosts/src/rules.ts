/**
 * The rules the chat hosts' app directories apply to an MCP App server, as data and pure checks:
 * `npm run check:hosts` gathers what a host would see (the tool and view descriptors, the sign-in
 * metadata, the view as rendered) and these functions say which rule each finding breaks. Every
 * rule names its source, so a builder can read the requirement itself; see ../docs/mcp.md.
 */

export type RuleId =
  | 'https' | 'privacy-page' | 'no-static-key' | 'sign-in-metadata'
  | 'annotations' | 'tool-name' | 'status-lines' | 'security-schemes' | 'result-size'
  | 'view-csp' | 'view-border' | 'view-description' | 'widget-domain' | 'no-ui-domain'
  | 'view-connects' | 'view-height' | 'nested-scroll' | 'touch-targets' | 'contrast' | 'console-errors' | 'game-by-clicks'

export interface Rule { title: string, source: string }

const CHATGPT_TOOLS = 'ChatGPT: Apps SDK reference, "Tool descriptor parameters"'
const CHATGPT_META = 'ChatGPT: Apps SDK reference, "_meta fields on tool descriptor"'
const CHATGPT_RESOURCES = 'ChatGPT: Apps SDK reference, "_meta fields on resources"'
const CHATGPT_SUBMISSION = 'ChatGPT: app submission guidelines'
const CLAUDE_CHECKLIST = 'Claude: connector directory checklist'
const CLAUDE_SUBMISSION = 'Claude: remote MCP server submission guide'

export const RULES: Record<RuleId, Rule> = {
  https: { title: 'served over HTTPS', source: `${CLAUDE_SUBMISSION}; ${CHATGPT_SUBMISSION}` },
  'privacy-page': { title: 'a privacy policy page that answers', source: `${CHATGPT_SUBMISSION} (privacy policy URL); ${CLAUDE_SUBMISSION}` },
  'no-static-key': {
    title: 'OAuth or no sign-in, never a static key',
    source: `${CLAUDE_SUBMISSION} (a static bearer is not listed); ChatGPT: Apps SDK, "Authentication"`
  },
  'sign-in-metadata': {
    title: 'sign-in discoverable: protected resource metadata (RFC 9728), the authorization server\'s metadata with dynamic client ' +
      'registration or client ID metadata documents, and PKCE S256',
    source: `${CLAUDE_SUBMISSION}; ChatGPT: Apps SDK, "Authentication"`
  },
  annotations: {
    title: 'every tool says readOnlyHint, destructiveHint and openWorldHint',
    source: `${CHATGPT_TOOLS} (all three required); ${CLAUDE_CHECKLIST} (readOnlyHint and destructiveHint)`
  },
  'tool-name': { title: 'tool names of at most 64 characters', source: CLAUDE_CHECKLIST },
  'status-lines': { title: 'status lines (openai/toolInvocation/invoking and invoked) of at most 64 characters', source: CHATGPT_META },
  'security-schemes': {
    title: 'each tool\'s securitySchemes agree with the sign-in the server asks for, mirrored in its _meta',
    source: `${CHATGPT_TOOLS}; ${CHATGPT_META}`
  },
  'result-size': { title: 'tool results under 150,000 characters', source: CLAUDE_CHECKLIST },
  'view-csp': { title: 'every view declares its content security policy (_meta.ui.csp)', source: `MCP Apps (2026-01-26), "UI resource"; ${CHATGPT_SUBMISSION}` },
  'view-border': {
    title: 'every view says whether it wants a border (_meta.ui.prefersBorder)',
    source: `MCP Apps (2026-01-26), "UI resource"; ${CHATGPT_RESOURCES}`
  },
  'view-description': { title: 'every view describes what it shows (openai/widgetDescription)', source: CHATGPT_RESOURCES },
  'widget-domain': {
    title: 'every view names its ChatGPT widget domain (openai/widgetDomain, an https origin)',
    source: `${CHATGPT_RESOURCES} ("required for app submission")`
  },
  'no-ui-domain': {
    title: 'no view sets _meta.ui.domain of its own',
    source: 'Claude: accepts only its own {hash}.claudemcpcontent.com ("Invalid ui.domain format"; ext-apps pull request 415)'
  },
  'view-connects': { title: 'the view connects to its host (ui/initialize over the MCP Apps bridge)', source: 'MCP Apps (2026-01-26), "Lifecycle"' },
  'view-height': { title: 'the view inline at most 500 px tall', source: CLAUDE_CHECKLIST },
  'nested-scroll': { title: 'no scrolling inside the inline view', source: CLAUDE_CHECKLIST },
  'touch-targets': { title: 'touch targets at least 44 by 44 CSS px', source: `${CLAUDE_CHECKLIST} (44 pt); WCAG 2.2, 2.5.5` },
  contrast: { title: 'text contrast at least 4.5:1 (3:1 for large text) in light and dark', source: `${CLAUDE_CHECKLIST}; WCAG 2.2 AA, 1.4.3` },
  'console-errors': { title: 'no console errors while the view runs', source: `${CHATGPT_SUBMISSION} (the app works as described); ${CLAUDE_SUBMISSION}` },
  'game-by-clicks': {
    title: 'a game played to its end by clicks, each through the host\'s bridge',
    source: 'MCP Apps (2026-01-26), "tools/call" from the view'
  }
}

/**
 * One finding: a broken rule or, where it does not decide a listing, a `note`; `where` names the
 * revision or the size and theme it was seen in (the same finding in several is one line).
 */
export interface Finding { rule: RuleId, what: string, where?: string, note?: true }

type Json = Record<string, any>

export const LIMITS = { name: 64, statusLine: 64, resultCharacters: 150_000, inlineHeight: 500, touchTarget: 44 } as const

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

export const isLoopbackUrl = (url: URL): boolean => ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || /^127\./.test(url.hostname)

/** HTTPS, or plain HTTP on loopback as a note (a local try cannot be HTTPS; the deployment must be). */
export function transportRules (url: URL): Finding[] {
  if (url.protocol === 'https:') return []
  if (url.protocol === 'http:' && isLoopbackUrl(url)) return [{ rule: 'https', what: `${url.origin} is plain HTTP: fine on loopback, the deployment must be HTTPS`, note: true }]
  return [{ rule: 'https', what: `${url.origin} is not HTTPS` }]
}

/** What the server said to a request without credentials, and the sign-in metadata it points at. */
export interface SignInProbe {
  /** The status of an unauthenticated initialize. */
  status: number
  wwwAuthenticate?: string
  /** The protected resource metadata, when the server publishes it. */
  resourceMetadata?: Json
  /** The authorization server's metadata, when it could be read. */
  authorizationServer?: Json
  /** Why the authorization server's metadata could not be read. */
  authorizationServerProblem?: string
}

export function signInRules (probe: SignInProbe): Finding[] {
  if (probe.status !== 401 && probe.resourceMetadata === undefined) return []
  if (probe.resourceMetadata === undefined) {
    return [{
      rule: 'no-static-key',
      what: `a call without credentials gets 401 (${probe.wwwAuthenticate ?? 'no WWW-Authenticate'}) and no protected resource ` +
      'metadata says where to sign in: a person in a chat cannot send a key'
    }]
  }
  const findings: Finding[] = []
  const broken = (what: string): void => { findings.push({ rule: 'sign-in-metadata', what }) }
  if (probe.status === 401 && !/resource_metadata="?[^",\s]+/.test(probe.wwwAuthenticate ?? '')) {
    broken('the 401\'s WWW-Authenticate does not name resource_metadata')
  }
  const servers = probe.resourceMetadata.authorization_servers
  if (!Array.isArray(servers) || servers.length === 0) broken('the protected resource metadata lists no authorization_servers')
  const server = probe.authorizationServer
  if (server === undefined) {
    broken(`the authorization server's metadata could not be read${probe.authorizationServerProblem === undefined ? '' : `: ${probe.authorizationServerProblem}`}`)
    return findings
  }
  if (typeof server.registration_endpoint !== 'string' && server.client_id_metadata_document_supported !== true) {
    broken('the authorization server offers neither dynamic client registration (registration_endpoint) nor client ID metadata documents ' +
      '(client_id_metadata_document_supported)')
  }
  const methods = server.code_challenge_methods_supported
  if (!Array.isArray(methods) || !methods.includes('S256')) broken('the authorization server does not list S256 in code_challenge_methods_supported')
  return findings
}

/** The sign-in a tool's securitySchemes should describe: OAuth (with protected resource metadata) or none. */
export type SignIn = 'oauth' | 'none'

function schemeTypes (value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.map(scheme => String(isObject(scheme) ? scheme.type : scheme)) : undefined
}

/** Each tool's descriptor, as listed (`revision` names the protocol revision it was listed in). */
export function toolRules (tools: Json[], signIn: SignIn, revision: string): Finding[] {
  const findings: Finding[] = []
  for (const tool of tools) {
    const name = String(tool.name)
    const where = clipped(name)
    const at = (rule: RuleId, what: string): void => { findings.push({ rule, what: `${where}${what}`, where: revision }) }
    const annotations = isObject(tool.annotations) ? tool.annotations : {}
    const missing = ['readOnlyHint', 'destructiveHint', 'openWorldHint'].filter(hint => typeof annotations[hint] !== 'boolean')
    if (missing.length > 0) at('annotations', ` lacks ${missing.join(', ')}`)
    if (name.length > LIMITS.name) at('tool-name', `: the name has ${name.length} characters`)
    const meta = isObject(tool._meta) ? tool._meta : {}
    for (const phase of ['invoking', 'invoked']) {
      const line = meta[`openai/toolInvocation/${phase}`]
      if (typeof line === 'string' && line.length > LIMITS.statusLine) {
        at('status-lines', `: the ${phase} line has ${line.length} characters`)
      }
    }
    const own = schemeTypes(tool.securitySchemes)
    const mirrored = schemeTypes(meta.securitySchemes)
    if (own !== undefined && mirrored !== undefined && JSON.stringify(tool.securitySchemes) !== JSON.stringify(meta.securitySchemes)) {
      at('security-schemes', ': securitySchemes and _meta.securitySchemes differ')
    }
    const types = own ?? mirrored
    if (types === undefined) continue
    if (signIn === 'oauth' && !types.includes('oauth2')) {
      at('security-schemes', ` says ${types.join(', ')} while the server asks for OAuth`)
    }
    if (signIn === 'none' && types.includes('oauth2') && !types.includes('noauth')) {
      at('security-schemes', ' asks for OAuth, which the server does not publish (no protected resource metadata)')
    }
  }
  return findings
}

/** The address of the view a tool shows, under any of the keys hosts read. */
export function viewUriOf (tool: Json): string | undefined {
  const meta = isObject(tool._meta) ? tool._meta : {}
  const uri = (isObject(meta.ui) ? meta.ui.resourceUri : undefined) ?? meta['ui/resourceUri'] ?? meta['openai/outputTemplate']
  return typeof uri === 'string' ? uri : undefined
}

/**
 * A view resource's `_meta`, as listed and as read (hosts read the content's; a value in either
 * counts). `local` makes the widget domain a note: a local try has no domain to name.
 */
export function viewRules (uri: string, listed: Json | undefined, read: Json | undefined, local: boolean): Finding[] {
  const metas = [read, listed].filter(isObject)
  const value = (pick: (meta: Json) => unknown): unknown => metas.map(pick).find(found => found !== undefined)
  const ui = (meta: Json): Json => isObject(meta.ui) ? meta.ui : {}
  const findings: Finding[] = []
  const csp = value(meta => ui(meta).csp ?? meta['openai/widgetCSP'])
  if (!isObject(csp)) findings.push({ rule: 'view-csp', what: `${uri} declares no CSP` })
  if (typeof value(meta => ui(meta).prefersBorder ?? meta['openai/widgetPrefersBorder']) !== 'boolean') {
    findings.push({ rule: 'view-border', what: `${uri} says nothing of a border (prefersBorder)` })
  }
  const description = value(meta => meta['openai/widgetDescription'])
  if (typeof description !== 'string' || description.trim() === '') findings.push({ rule: 'view-description', what: `${uri} has no widget description` })
  const domain = value(meta => meta['openai/widgetDomain'])
  if (typeof domain !== 'string' || !/^https:\/\/[^/]+\/?$/.test(domain)) {
    const what = `${uri}: ${domain === undefined ? 'no openai/widgetDomain' : `openai/widgetDomain ${JSON.stringify(domain)} is not an https origin`}`
    findings.push(local ? { rule: 'widget-domain', what: `${what} (set it for the deployment)`, note: true } : { rule: 'widget-domain', what })
  }
  const own = value(meta => ui(meta).domain)
  if (own !== undefined) findings.push({ rule: 'no-ui-domain', what: `${uri} sets ui.domain ${JSON.stringify(own)}` })
  return findings
}

export function resultRules (tool: string, result: unknown): Finding[] {
  const size = JSON.stringify(result).length
  return size < LIMITS.resultCharacters ? [] : [{ rule: 'result-size', what: `${clipped(tool)}'s result has ${size} characters` }]
}

/** What the page measured of the view at one width and theme (src/check-hosts.ts, `measureView`). */
export interface ViewMeasure {
  /** The heights the view asked its host for (ui/notifications/size-changed), and its content's own. */
  requestedHeights: number[]
  contentHeight: number
  frameHeight: number
  scrollers: string[]
  targets: Array<{ label: string, width: number, height: number }>
  texts: Array<{ text: string, color: string, backgrounds: string[], opacity: number, fontSize: number, fontWeight: number }>
}

export interface Rgba { r: number, g: number, b: number, a: number }

export function parseColor (css: string): Rgba | undefined {
  const match = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/.exec(css.trim())
  if (match === null) return undefined
  const alpha = match[4] === undefined ? 1 : match[4].endsWith('%') ? Number(match[4].slice(0, -1)) / 100 : Number(match[4])
  return { r: Number(match[1]), g: Number(match[2]), b: Number(match[3]), a: alpha }
}

/** `top` painted over an opaque `bottom`. */
const over = (top: Rgba, bottom: Rgba): Rgba => ({
  r: top.r * top.a + bottom.r * (1 - top.a),
  g: top.g * top.a + bottom.g * (1 - top.a),
  b: top.b * top.a + bottom.b * (1 - top.a),
  a: 1
})

/** WCAG 2.2's relative luminance of an opaque sRGB colour. */
function luminance ({ r, g, b }: Rgba): number {
  const linear = (channel: number): number => {
    const c = channel / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

export function contrastRatio (foreground: Rgba, background: Rgba): number {
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a)
  return (light + 0.05) / (dark + 0.05)
}

/** The background behind a text: its layers from the element outwards, over the host's page. */
export function effectiveBackground (layers: string[], page: string): Rgba {
  let color = parseColor(page) ?? { r: 255, g: 255, b: 255, a: 1 }
  for (const layer of [...layers].reverse()) {
    const parsed = parseColor(layer)
    if (parsed !== undefined && parsed.a > 0) color = over(parsed, color)
  }
  return color
}

/** WCAG's large text: at least 24 px, or 18.66 px (14 pt) and bold. */
export const isLargeText = (fontSize: number, fontWeight: number): boolean => fontSize >= 24 || (fontSize >= 18.66 && fontWeight >= 700)

/** The view at `uri` as measured at one size and theme (`where` names them, as "phone, dark"). */
export function viewMeasureRules (measure: ViewMeasure, uri: string, where: string, pageBackground: string): Finding[] {
  const findings: Finding[] = []
  const at = (rule: RuleId, what: string): void => { findings.push({ rule, what: `${uri}: ${what}`, where }) }
  const height = Math.max(measure.contentHeight, ...measure.requestedHeights)
  if (height > LIMITS.inlineHeight) at('view-height', `${Math.round(height)} px tall`)
  const scrolls = [...measure.scrollers, ...(measure.contentHeight > measure.frameHeight + 1 ? ['the view\'s own document, taller than its frame'] : [])]
  if (scrolls.length > 0) at('nested-scroll', scrolls.slice(0, 3).join('; '))
  const small = measure.targets.filter(target => target.width < LIMITS.touchTarget - 0.5 || target.height < LIMITS.touchTarget - 0.5)
  if (small.length > 0) {
    const named = small.slice(0, 3).map(target => `${target.label} (${Math.round(target.width)}x${Math.round(target.height)})`).join(', ')
    at('touch-targets', `${small.length} under 44x44 CSS px: ${named}`)
  }
  const faint: string[] = []
  for (const text of measure.texts) {
    const color = parseColor(text.color)
    if (color === undefined) continue
    const background = effectiveBackground(text.backgrounds, pageBackground)
    const ratio = contrastRatio(over({ ...color, a: color.a * text.opacity }, background), background)
    const needed = isLargeText(text.fontSize, text.fontWeight) ? 3 : 4.5
    if (ratio < needed) faint.push(`"${clipped(text.text, 30)}" ${ratio.toFixed(2)}:1 (needs ${needed}:1)`)
  }
  if (faint.length > 0) at('contrast', `${faint.length} text${faint.length === 1 ? '' : 's'} too faint: ${faint.slice(0, 3).join(', ')}`)
  return findings
}

function clipped (text: string, max = 70): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/**
 * The report's line for one rule: ✓ when it holds, ✗ with every way it breaks and its source when
 * it does (the same finding in several revisions or sizes said once, naming them), ~ when only
 * notes apply (a local try), each note on a line below.
 */
export function ruleLines (rule: RuleId, findings: Finding[]): string[] {
  const { title, source } = RULES[rule]
  const own = findings.filter(finding => finding.rule === rule)
  const notes = [...new Set(own.filter(finding => finding.note === true).map(finding => `    note: ${finding.what}`))]
  const broken = new Map<string, string[]>()
  for (const finding of own) {
    if (finding.note === true) continue
    broken.set(finding.what, [...broken.get(finding.what) ?? [], ...finding.where === undefined ? [] : [finding.where]])
  }
  if (broken.size === 0) return [`${notes.length === 0 ? '✓' : '~'} ${title}`, ...notes]
  const whats = [...broken].map(([what, where]) => where.length === 0 ? what : `${what} (${[...new Set(where)].join('; ')})`)
  return [`✗ ${title}: ${whats.join('; ')} [${rule}; ${source}]`, ...notes]
}

/**
 * The one-line justifications ChatGPT's submission form asks for, one per hint, drafted from each
 * tool's hints and title for the builder to read over.
 */
export function hintJustifications (tools: Json[]): Json {
  return {
    tools: tools.map(tool => {
      const annotations = isObject(tool.annotations) ? tool.annotations : {}
      const title = String(annotations.title ?? tool.title ?? tool.name)
      return {
        name: tool.name,
        readOnlyHint: {
          value: annotations.readOnlyHint,
          justification: annotations.readOnlyHint === true
            ? `${title} only computes an answer from its arguments: it writes, sends and stores nothing.`
            : `${title} changes state outside the conversation: say what it writes.`
        },
        destructiveHint: {
          value: annotations.destructiveHint,
          justification: annotations.destructiveHint === true
            ? `${title} can delete or overwrite data: say which.`
            : `${title} deletes and overwrites nothing.`
        },
        openWorldHint: {
          value: annotations.openWorldHint,
          justification: annotations.openWorldHint === true
            ? `${title} reaches systems outside this service: say which.`
            : `${title} reaches nothing outside this service: no web, no other accounts.`
        }
      }
    })
  }
}

/**
 * What ChatGPT's and Claude's app directories would check of an MCP App server, before it is
 * submitted: the sign-in it asks for, every tool and view descriptor in both protocol revisions
 * (the official MCP client, 2025 and 2026-07-28), each tool called once with its schema's examples,
 * and each view rendered as a host renders it (the MCP Apps bridge in Chromium) in light and dark,
 * at a phone's and a desktop's width, then played to its end by clicks where it is a game. One line
 * per broken rule, naming the rule and its source (src/rules.ts); exit status 1 when any
 * breaks. With --out, the screenshots the submission forms ask for (at least 1000 px wide) and
 * tool-hint-justifications.json, a draft of the one-line justification for each tool's hints.
 *
 * Any server can be checked: the game is played only where the view has `[data-cell]` buttons.
 * Plain http is accepted on loopback, as a note: the deployment must be https.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import { build } from 'esbuild'
import { type Browser, type Frame, type Page, chromium } from 'playwright-core'
import {
  type Finding,
  RULES,
  type RuleId,
  type SignInProbe,
  type ViewMeasure,
  ruleLines,
  hintJustifications,
  isLoopbackUrl,
  resultRules,
  signInRules,
  toolRules,
  transportRules,
  viewMeasureRules,
  viewRules,
  viewUriOf
} from './rules.js'

type Json = Record<string, any>

export interface CheckHostsOptions {
  /** Where the screenshots and tool-hint-justifications.json go; none written without it. */
  out?: string
  /** An access token, for a server behind sign-in (its tools cannot be listed without one). */
  token?: string
  /** The privacy policy's address; `<origin>/privacy` when not given. */
  privacy?: string
  /** Chromium's binary (Debian's by default). */
  chromium?: string
}

export interface CheckHostsResult { ok: boolean, lines: string[], screenshots: string[] }

const REVISIONS = [
  { name: '2025', mode: 'legacy' as const },
  { name: '2026-07-28', mode: { pin: '2026-07-28' } }
]

/** The widths a view is shown at: a phone's and a desktop chat column's, at the pixel ratios that make screenshots 1000 px wide or more. */
const SIZES = [
  { name: 'desktop', width: 760, scale: 2, platform: 'web' as const },
  { name: 'phone', width: 390, scale: 3, platform: 'mobile' as const }
]
/** The page behind the view in each theme: ChatGPT's own backgrounds. */
const THEMES = [
  { name: 'light' as const, background: 'rgb(255, 255, 255)' },
  { name: 'dark' as const, background: 'rgb(33, 33, 33)' }
]

const sleep = async (ms: number): Promise<void> => await new Promise(resolve => setTimeout(resolve, ms))

/** The MCP endpoint: the URL as given, or `/mcp` on it when it names only a host. */
export function endpointOf (target: string): URL {
  const url = new URL(target)
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/mcp'
  return url
}

/** The first example of each parameter the tool's input schema proposes. */
export function exampleArguments (tool: Json): Record<string, unknown> | undefined {
  const schema = tool.inputSchema ?? {}
  const properties: Json = schema.properties ?? {}
  const args = Object.fromEntries(Object.entries(properties)
    .map(([name, property]) => [name, (property as Json).examples?.[0] ?? (property as Json).default])
    .filter(([, value]) => value !== undefined))
  const required: string[] = Array.isArray(schema.required) ? schema.required : []
  return required.every(name => name in args) ? args : undefined
}

async function fetchJson (url: string): Promise<Json | undefined> {
  try {
    const res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) })
    if (!res.ok) return undefined
    const body: unknown = await res.json()
    return typeof body === 'object' && body !== null ? body as Json : undefined
  } catch {
    return undefined
  }
}

/** The addresses RFC 9728 and RFC 8414 give metadata at, for a resource or an issuer: path-inserted, then at the root. */
const wellKnown = (url: URL, name: string): string[] => {
  const path = url.pathname.replace(/\/+$/, '')
  return [...new Set([`${url.origin}/.well-known/${name}${path}`, `${url.origin}/.well-known/${name}`])]
}

/** A call without credentials, and the sign-in metadata the server points at. */
async function probeSignIn (endpoint: URL): Promise<SignInProbe> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'check-hosts', version: '1.0.0' } }
    }),
    signal: AbortSignal.timeout(10_000)
  })
  await res.body?.cancel()
  const wwwAuthenticate = res.headers.get('www-authenticate') ?? undefined
  const named = /resource_metadata="?([^",\s]+)/.exec(wwwAuthenticate ?? '')?.[1]
  let resourceMetadata: Json | undefined
  for (const url of [...(named === undefined ? [] : [named]), ...wellKnown(endpoint, 'oauth-protected-resource')]) {
    resourceMetadata = await fetchJson(url)
    if (resourceMetadata !== undefined) break
  }
  const probe: SignInProbe = { status: res.status, ...(wwwAuthenticate === undefined ? {} : { wwwAuthenticate }) }
  if (resourceMetadata === undefined) return probe
  probe.resourceMetadata = resourceMetadata
  const issuer = resourceMetadata.authorization_servers?.[0]
  if (typeof issuer !== 'string') return probe
  for (const url of [...wellKnown(new URL(issuer), 'oauth-authorization-server'), `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`]) {
    probe.authorizationServer = await fetchJson(url)
    if (probe.authorizationServer !== undefined) return probe
  }
  probe.authorizationServerProblem = `no metadata at ${issuer}'s well-known addresses`
  return probe
}

async function privacyFindings (address: string): Promise<Finding[]> {
  try {
    const res = await fetch(address, { headers: { accept: 'text/html' }, signal: AbortSignal.timeout(10_000) })
    await res.body?.cancel()
    if (res.ok) return []
    return [{ rule: 'privacy-page', what: `${address} answers ${res.status}` }]
  } catch (error) {
    return [{ rule: 'privacy-page', what: `${address} does not answer: ${(error as Error).message}` }]
  }
}

/** An MCP client in one revision, with the token when one is given. */
async function connect (endpoint: URL, mode: 'legacy' | { pin: string }, token: string | undefined): Promise<Client> {
  const client = new Client({ name: 'check-hosts', version: '1.0.0' }, { versionNegotiation: { mode } })
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` }
  await client.connect(new StreamableHTTPClientTransport(endpoint, { requestInit: { headers } }))
  return client
}

/**
 * Runs in the view's frame: what a reviewer looks at, measured. Text in a disabled control is left
 * out of the contrast check and disabled controls out of the target check, as WCAG exempts
 * inactive components. Plain JavaScript for the page (Playwright sends its source).
 */
function measureView (): Omit<ViewMeasure, 'requestedHeights'> {
  const page = globalThis as any
  const doc = page.document
  const style = (element: any): any => page.getComputedStyle(element)
  const shown = (element: any): boolean => {
    const box = element.getBoundingClientRect()
    const css = style(element)
    return css.display !== 'none' && css.visibility !== 'hidden' && box.width > 0 && box.height > 0
  }
  const labelOf = (element: any): string =>
    String(element.getAttribute('aria-label') ?? element.textContent ?? '').trim().slice(0, 40) || element.tagName.toLowerCase()
  const inactive = (element: any): boolean => element.closest(':disabled, [aria-disabled="true"]') !== null
  const targets = [...doc.querySelectorAll('button, a[href], input:not([type="hidden"]), select, textarea, summary, [role="button"], ' +
    '[role="link"], [role="checkbox"], [role="radio"], [role="tab"], [tabindex]:not([tabindex="-1"])')]
    .filter(element => shown(element) && !inactive(element))
    .map(element => {
      const box = element.getBoundingClientRect()
      return { label: labelOf(element), width: box.width, height: box.height }
    })
  const texts: ViewMeasure['texts'] = []
  const seen = new Set()
  const walker = doc.createTreeWalker(doc.body, 4)
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    const element = node.parentElement
    if (element === null || seen.has(element) || String(node.textContent).trim() === '' || !shown(element) || inactive(element)) continue
    if (['SCRIPT', 'STYLE', 'OPTION'].includes(element.tagName)) continue
    seen.add(element)
    const backgrounds: string[] = []
    let opacity = 1
    for (let at = element; at !== null; at = at.parentElement) {
      backgrounds.push(style(at).backgroundColor)
      opacity *= Number(style(at).opacity)
    }
    const css = style(element)
    texts.push({
      text: String(node.textContent).trim(),
      color: css.color,
      backgrounds,
      opacity,
      fontSize: parseFloat(css.fontSize),
      fontWeight: css.fontWeight === 'bold' ? 700 : Number(css.fontWeight)
    })
  }
  const scrollers = [...doc.querySelectorAll('body *')]
    .filter(element => {
      const css = style(element)
      const scrollsY = ['auto', 'scroll'].includes(css.overflowY) && element.scrollHeight > element.clientHeight + 1
      const scrollsX = ['auto', 'scroll'].includes(css.overflowX) && element.scrollWidth > element.clientWidth + 1
      return shown(element) && (scrollsY || scrollsX)
    })
    .map(element => `a ${String(element.tagName).toLowerCase()} ("${labelOf(element)}") scrolls inside the view`)
  const root = doc.documentElement
  return { contentHeight: Math.max(root.scrollHeight, doc.body.scrollHeight), frameHeight: page.innerHeight, scrollers, targets, texts }
}

/** The host page, bundled once (browser/apps-host.ts, beside src/ and dist/), under a CSP that lets the view reach nothing. */
export async function hostPage (): Promise<(background: string) => string> {
  const source = fileURLToPath(new URL('../browser/apps-host.ts', import.meta.url))
  const script = (await build({ entryPoints: [source], bundle: true, format: 'iife', write: false }))
    .outputFiles[0].text.replaceAll('</script', '<\\/script')
  return background => `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<style>html, body { margin: 0; background: ${background} } body { padding: 16px } iframe { border: 0; width: 100%; display: block; height: 120px }</style>
</head><body><script>${script}</script></body></html>`
}

interface ViewRun {
  tool: Json
  uri: string
  html: string
  args: Record<string, unknown> | undefined
  result: Json | undefined
}

/** The view shown as a host shows it, at every size and theme, then played by clicks. */
class ViewChecks {
  readonly findings: Finding[] = []
  readonly screenshots: string[] = []
  /** The tool calls the view made through the bridge, with their answers. */
  readonly calls: Array<{ name: string, result: Json | undefined }> = []
  /** How the game went, once played to its end. */
  game: string | undefined
  private readonly consoleErrors = new Set<string>()

  constructor (private readonly browser: Browser, private readonly client: Client, private readonly page: (background: string) => string,
    private readonly out: string | undefined) {}

  private async open (run: ViewRun, size: typeof SIZES[number], theme: typeof THEMES[number]): Promise<{ page: Page, frame: Frame } | undefined> {
    const context = await this.browser.newContext({ viewport: { width: size.width, height: 100 }, deviceScaleFactor: size.scale, colorScheme: theme.name })
    const page = await context.newPage()
    page.on('console', message => { if (message.type() === 'error') this.consoleErrors.add(`${message.text()}`.slice(0, 200)) })
    page.on('pageerror', error => this.consoleErrors.add(error.message.slice(0, 200)))
    await page.exposeFunction('hostCallTool', async (params: { name: string, arguments?: Record<string, unknown> }) => {
      const call: { name: string, result: Json | undefined } = { name: params.name, result: undefined }
      try {
        call.result = await this.client.callTool(params) as Json
        return call.result
      } finally {
        this.calls.push(call)
      }
    })
    await page.exposeFunction('hostModelContext', async () => {})
    await page.setContent(this.page(theme.background))
    const hostContext = {
      theme: theme.name,
      platform: size.platform,
      displayMode: 'inline',
      availableDisplayModes: ['inline'],
      containerDimensions: { width: size.width - 32, maxHeight: 500 },
      deviceCapabilities: { touch: size.platform === 'mobile', hover: size.platform !== 'mobile' },
      safeAreaInsets: { top: 0, right: 0, bottom: 0, left: 0 }
    }
    try {
      await Promise.race([
        page.evaluate(async ([html, context]) => await (globalThis as any).startHost(html, context), [run.html, hostContext] as const),
        sleep(10_000).then(async () => await Promise.reject(new Error('no ui/initialize within 10 s')))
      ])
    } catch (error) {
      this.findings.push({ rule: 'view-connects', what: `${run.uri} (${size.name}, ${theme.name}): ${(error as Error).message}` })
      await context.close()
      return undefined
    }
    if (run.args !== undefined && run.result !== undefined) {
      await page.evaluate(async ([args, result]) => await (globalThis as any).showToolCall(args, result), [run.args, run.result] as const)
    }
    const frame = await (await page.$('iframe'))?.contentFrame()
    if (frame === null || frame === undefined) throw new Error('the host page lost its frame')
    await this.settle(page)
    return { page, frame }
  }

  /** Waits until the view has stopped asking for new heights (a host animates nothing; half a second of quiet). */
  private async settle (page: Page): Promise<void> {
    let last = -1
    for (let i = 0; i < 20; i++) {
      await sleep(150)
      const count = await page.evaluate(() => (globalThis as any).requestedHeights.length as number)
      if (count === last) return
      last = count
    }
  }

  private async measure (page: Page, frame: Frame): Promise<ViewMeasure> {
    const requestedHeights = await page.evaluate(() => [...(globalThis as any).requestedHeights] as number[])
    return { ...await frame.evaluate(measureView), requestedHeights }
  }

  private async shoot (page: Page, name: string): Promise<void> {
    if (this.out === undefined) return
    const path = join(this.out, `${name}.png`)
    // The host page as tall as what it shows: a full-page capture would not repaint the frame below the first screen.
    const height = await page.evaluate(() => Math.ceil((globalThis as any).document.documentElement.scrollHeight as number))
    await page.setViewportSize({ width: page.viewportSize()?.width ?? 760, height })
    await sleep(100)
    await page.screenshot({ path })
    this.screenshots.push(path)
  }

  async check (run: ViewRun, prefix: string): Promise<void> {
    for (const size of SIZES) {
      for (const theme of THEMES) {
        const opened = await this.open(run, size, theme)
        if (opened === undefined) continue
        const measure = await this.measure(opened.page, opened.frame)
        this.findings.push(...viewMeasureRules(measure, run.uri, `${size.name}, ${theme.name}`, theme.background))
        await this.shoot(opened.page, `${prefix}-${size.name}-${theme.name}`)
        await opened.page.context().close()
      }
    }
    await this.play(run, prefix)
    if (this.consoleErrors.size > 0) this.findings.push({ rule: 'console-errors', what: [...this.consoleErrors].slice(0, 3).join(' | ') })
  }

  /**
   * A game to its end from its start (the tool called with no arguments, where it takes that; else
   * from the example), clicking the first free `[data-cell]` each turn: each click one tool call
   * through the bridge, answered without error. The cells clicked are reported.
   */
  private async play (example: ViewRun, prefix: string): Promise<void> {
    const fresh = await this.client.callTool({ name: String(example.tool.name), arguments: {} }).catch(() => undefined) as Json | undefined
    const fromStart = fresh !== undefined && fresh.isError !== true
    const run = fromStart ? { ...example, args: {}, result: fresh } : example
    const opened = await this.open(run, SIZES[0], THEMES[0])
    if (opened === undefined) return
    const { page, frame } = opened
    if (await frame.locator('[data-cell]').count() === 0) {
      this.findings.push({ rule: 'game-by-clicks', what: `${run.uri} has no [data-cell] buttons: no game to play`, note: true })
      await page.context().close()
      return
    }
    const free = frame.locator('[data-cell]:not(:disabled):not([aria-disabled="true"])')
    const broken = (what: string): void => { this.findings.push({ rule: 'game-by-clicks', what: `${run.uri}: ${what}` }) }
    let clicks = 0
    const cells: string[] = []
    while (clicks < 9 && await free.count() > 0) {
      const before = this.calls.length
      cells.push(await free.first().getAttribute('data-cell') ?? '?')
      await free.first().click()
      clicks++
      for (let i = 0; i < 100 && this.calls.length === before; i++) await sleep(50)
      const call = this.calls[before]
      if (call === undefined) return broken(`click ${clicks} made no tool call through the bridge`)
      if (call.result?.isError === true) return broken(`click ${clicks}: the tool answered an error: ${JSON.stringify(call.result.content).slice(0, 120)}`)
      await this.settle(page)
    }
    const status = this.calls.at(-1)?.result?.structuredContent?.status
    if (await free.count() > 0) broken(`free cells left after ${clicks} clicks`)
    else if (status !== undefined && status !== 'end') broken(`no free cell left, yet the last answer's status is ${JSON.stringify(status)}`)
    else {
      this.game = `${fromStart ? 'from an empty board' : 'from the example'}, clicked ${cells.join(', ')}: the game ended after ${clicks} ` +
        `click${clicks === 1 ? '' : 's'}`
    }
    await this.shoot(page, `${prefix}-desktop-light-end`)
    await page.context().close()
  }
}

export async function checkHosts (target: string, options: CheckHostsOptions = {}): Promise<CheckHostsResult> {
  const endpoint = endpointOf(target)
  const local = endpoint.protocol === 'http:' && isLoopbackUrl(endpoint)
  const findings: Finding[] = [...transportRules(endpoint)]
  const checked = new Set<RuleId>(['https', 'privacy-page'])
  const lines = [`checking ${endpoint.href}`]
  findings.push(...await privacyFindings(options.privacy ?? `${endpoint.origin}/privacy`))

  let probe: SignInProbe
  try {
    probe = await probeSignIn(endpoint)
  } catch (error) {
    return { ok: false, lines: [...lines, `✗ ${endpoint.href} does not answer: ${(error as Error).message}`], screenshots: [] }
  }
  findings.push(...signInRules(probe))
  checked.add('no-static-key')
  if (probe.resourceMetadata !== undefined) checked.add('sign-in-metadata')
  const signIn = probe.resourceMetadata === undefined ? 'none' : 'oauth'

  const screenshots: string[] = []
  let played: string | undefined
  if (probe.status === 401 && options.token === undefined) {
    lines.push('  note: the server asks for sign-in: give --token <access token> to check its tools and views too')
  } else {
    const listed: Json[] = []
    let first: Client | undefined
    for (const revision of REVISIONS) {
      let client: Client
      try {
        client = await connect(endpoint, revision.mode, options.token)
      } catch (error) {
        const what = `the ${revision.name} revision: ${(error as Error).message}`
        if (revision.mode === 'legacy') return { ok: false, lines: [...lines, `✗ could not connect with ${what}`], screenshots }
        lines.push(`  note: not checked in ${what}`)
        continue
      }
      const { tools } = await client.listTools()
      findings.push(...toolRules(tools as Json[], signIn, revision.name))
      const { resources } = await client.listResources().catch(() => ({ resources: [] as Json[] }))
      for (const tool of tools as Json[]) {
        const uri = viewUriOf(tool)
        if (uri === undefined) continue
        const read = (await client.readResource({ uri })).contents[0] as Json
        findings.push(...viewRules(uri, (resources as Json[]).find(resource => resource.uri === uri)?._meta, read?._meta, local))
      }
      if (first === undefined) {
        first = client
        listed.push(...tools as Json[])
      } else await client.close()
    }
    for (const rule of ['annotations', 'tool-name', 'status-lines', 'security-schemes', 'result-size'] as const) checked.add(rule)
    if (first !== undefined) {
      const runs = await exampleRuns(first, listed, findings)
      if (runs.length > 0) {
        for (const rule of ['view-csp', 'view-border', 'view-description', 'widget-domain', 'no-ui-domain', 'view-connects', 'view-height',
          'nested-scroll', 'touch-targets', 'contrast', 'console-errors', 'game-by-clicks'] as const) checked.add(rule)
        if (options.out !== undefined) await mkdir(options.out, { recursive: true })
        const browser = await chromium.launch({
          executablePath: options.chromium ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
        })
        try {
          const views = new ViewChecks(browser, first, await hostPage(), options.out)
          for (const [i, run] of runs.entries()) await views.check(run, runs.length === 1 ? 'view' : `view-${i + 1}`)
          findings.push(...views.findings)
          screenshots.push(...views.screenshots)
          if (views.game !== undefined) played = views.game
        } finally {
          await browser.close()
        }
      }
      if (options.out !== undefined) {
        await mkdir(options.out, { recursive: true })
        await writeFile(join(options.out, 'tool-hint-justifications.json'), `${JSON.stringify(hintJustifications(listed), null, 2)}\n`)
      }
      await first.close()
    }
  }

  for (const rule of Object.keys(RULES) as RuleId[]) {
    if (!checked.has(rule)) continue
    lines.push(...ruleLines(rule, findings))
    if (rule === 'game-by-clicks' && played !== undefined) lines.push(`    played: ${played}`)
  }
  if (screenshots.length > 0) lines.push(`  screenshots: ${screenshots.join(', ')}`)
  const broken = new Set(findings.filter(finding => finding.note !== true).map(finding => finding.rule))
  lines.push(broken.size === 0
    ? `result: the ${checked.size} rules checked hold: ready for ChatGPT's and Claude's directories as far as a machine can tell`
    : `result: ${broken.size} rule${broken.size === 1 ? '' : 's'} broken: fix ${broken.size === 1 ? 'it' : 'them'} before submitting`)
  return { ok: broken.size === 0, lines, screenshots }
}

/** Each tool that shows a view, called once with its examples (its result is what the view first shows). */
async function exampleRuns (client: Client, tools: Json[], findings: Finding[]): Promise<ViewRun[]> {
  const runs: ViewRun[] = []
  for (const tool of tools) {
    const args = exampleArguments(tool)
    let result: Json | undefined
    if (args !== undefined) {
      result = await client.callTool({ name: String(tool.name), arguments: args }) as Json
      findings.push(...resultRules(String(tool.name), result))
    }
    const uri = viewUriOf(tool)
    if (uri === undefined) continue
    const html = ((await client.readResource({ uri })).contents[0] as Json | undefined)?.text
    if (typeof html !== 'string') {
      findings.push({ rule: 'view-connects', what: `${uri} has no HTML text` })
      continue
    }
    runs.push({ tool, uri, html, args, result })
  }
  return runs
}

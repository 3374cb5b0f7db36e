/**
 * The plugin's screenshots: each action's view as a chat host shows it, after the tool call each
 * default prompt leads to (the action's guide's examples), in Chromium at the width ChatGPT's
 * directory takes (706 px) and a height within its 400 to 860 px. Drawn by the host page of
 * npm run check:hosts (packages/check-hosts/browser/apps-host.ts), from the live deployment.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import { chromium } from 'playwright-core'
import { hostPage, viewUriOf } from '../packages/check-hosts/src/index.js'
import { LIMITS } from './plugin-rules.js'

type Json = Record<string, any>

export interface ShotOptions { token?: string, chromium?: string }

/** One PNG for each of `calls` (a tool's name and arguments), or why not. */
export async function viewShots (
  mcpUrl: string,
  calls: ReadonlyArray<{ tool: string, args: Record<string, unknown> }>,
  options: ShotOptions = {}
): Promise<Uint8Array[]> {
  const client = new Client({ name: 'plugin-screenshots', version: '1.0.0' })
  const headers: Record<string, string> = options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers } }))
  const browser = await chromium.launch({
    executablePath: options.chromium ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  })
  try {
    const { tools } = await client.listTools()
    const page = await hostPage()
    const shots: Uint8Array[] = []
    for (const { tool, args } of calls) {
      const descriptor = tools.find(listed => listed.name === tool) as Json | undefined
      const uri = descriptor === undefined ? undefined : viewUriOf(descriptor)
      if (uri === undefined) throw new Error(`${tool} shows no view to take a screenshot of`)
      const read = await client.readResource({ uri })
      const html = (read.contents[0] as { text?: string }).text ?? ''
      const result = await client.callTool({ name: tool, arguments: args })
      const context = await browser.newContext({ viewport: { width: LIMITS.screenshotWidth, height: LIMITS.screenshotHeights[0] }, colorScheme: 'light' })
      const tab = await context.newPage()
      await tab.exposeFunction('hostCallTool', async (params: { name: string, arguments?: Record<string, unknown> }) => await client.callTool(params))
      await tab.exposeFunction('hostModelContext', async () => {})
      await tab.setContent(page('rgb(255, 255, 255)'))
      const hostContext = {
        theme: 'light',
        platform: 'web',
        displayMode: 'inline',
        availableDisplayModes: ['inline'],
        containerDimensions: { width: LIMITS.screenshotWidth - 32, maxHeight: LIMITS.screenshotHeights[1] },
        deviceCapabilities: { touch: false, hover: true },
        safeAreaInsets: { top: 0, right: 0, bottom: 0, left: 0 }
      }
      await tab.evaluate(async ([view, host]) => await (globalThis as any).startHost(view, host), [html, hostContext] as const)
      await tab.evaluate(async ([call, answer]) => await (globalThis as any).showToolCall(call, answer), [args, result] as const)
      // The view settles into the height it asks for; the shot is that, within the directory's range.
      await new Promise(resolve => setTimeout(resolve, 600))
      const content = await tab.evaluate(() => Math.ceil((globalThis as any).document.documentElement.scrollHeight as number))
      const [low, high] = LIMITS.screenshotHeights
      await tab.setViewportSize({ width: LIMITS.screenshotWidth, height: Math.min(high, Math.max(low, content)) })
      await new Promise(resolve => setTimeout(resolve, 100))
      shots.push(await tab.screenshot())
      await context.close()
    }
    return shots
  } finally {
    await browser.close()
    await client.close()
  }
}

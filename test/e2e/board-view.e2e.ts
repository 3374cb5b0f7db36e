/**
 * The board view in a real MCP Apps host: Chromium runs the official host side (AppBridge over
 * PostMessageTransport, packages/check-hosts/browser/apps-host.ts) and renders the server's ui:// resource in an iframe
 * sandboxed with allow-scripts alone, under a CSP that allows nothing external; the host's MCP
 * client (the SDK's own) talks to the real server in its own process. Whole games are played by
 * clicking cells, as X and as O; after every click the test checks that the call went through the
 * bridge to the server, that the view shows the server's board, that the model was told, and at
 * the end that the outcome is shown. Zero console errors; screenshots light, dark and phone-sized.
 */
import { join } from 'node:path'
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import { build } from 'esbuild'
import type { FrameLocator } from 'playwright-core'
import t, { type Test } from 'tap'
import { startBuiltServer } from '../process-helper.js'
import { SCREENSHOTS, launchChromium } from './chromium.js'

const KEY = 'a-very-secret-key-for-the-view-test'

type Answer = Record<string, any>
interface ToolCall { name: string, arguments: Record<string, unknown> }
interface ToolResult { isError?: boolean, structuredContent?: Answer, content: Array<{ type: string, text: string }> }

const hostScript = (await build({
  entryPoints: [new URL('../../packages/check-hosts/browser/apps-host.ts', import.meta.url).pathname],
  bundle: true,
  format: 'iife',
  write: false
})).outputFiles[0].text.replaceAll('</script', '<\\/script')

// The host page allows inline script and style and nothing else; the view's srcdoc frame inherits
// that policy, so any fetch, external script or eval in the view would fail the test.
const HOST_PAGE = `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<style>body { margin: 0; padding: 8px; font-family: sans-serif } iframe { border: 1px solid #999; width: 100%; max-width: 440px; height: 480px; display: block }</style>
</head><body><script>${hostScript}</script></body></html>`

const browser = await launchChromium(t, { width: 480, height: 640 })

/** The host, connected: the page with the view, and what crossed the bridge. */
async function openHost (t: Test, env: Record<string, string>, headers: Record<string, string>, mode: 'legacy' | { pin: string }) {
  const server = await startBuiltServer(t, { RATE_LIMIT_MAX: '1000', ...env })
  const client = new Client({ name: 'test-host', version: '1.0.0' }, { versionNegotiation: { mode } })
  await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers } }))
  t.teardown(() => client.close())
  const tool = (await client.listTools()).tools.find(one => one.name === 'play_move')
  const uri = (tool?._meta?.ui as { resourceUri: string }).resourceUri
  const html = ((await client.readResource({ uri })).contents[0] as { text: string }).text

  const calls: ToolCall[] = []
  const results: ToolResult[] = []
  const contexts: Answer[] = []
  const problems: string[] = []
  const page = await browser.newPage()
  t.teardown(() => page.close())
  page.on('console', message => { if (message.type() === 'error') problems.push(`console: ${message.text()}`) })
  page.on('pageerror', error => problems.push(`page error: ${error.message}`))
  await page.exposeFunction('hostCallTool', async (params: ToolCall) => {
    calls.push(params)
    const result = await client.callTool(params) as ToolResult
    results.push(result)
    return result
  })
  await page.exposeFunction('hostModelContext', async (params: Answer) => { contexts.push(params) })
  await page.setContent(HOST_PAGE)
  await page.evaluate(async ([page, context]) => await (globalThis as any).startHost(page, context),
    [html, { theme: 'light', platform: 'web', safeAreaInsets: { top: 0, right: 0, bottom: 0, left: 0 } }] as const)
  const view = page.frameLocator('iframe')

  /** The model's own call, shown in the view as a host does: input first, then the result. */
  const modelCalls = async (args: Record<string, unknown>): Promise<ToolResult> => {
    const result = await client.callTool({ name: 'play_move', arguments: args }) as ToolResult
    await page.evaluate(async ([args, result]) => await (globalThis as any).showToolCall(args, result), [args, result] as const)
    return result
  }
  return { page, view, calls, results, contexts, problems, modelCalls }
}

/** The nine cells as the view shows them, from their accessible names ("5, X", "3, empty"). */
async function viewCells (view: FrameLocator): Promise<string[]> {
  const names = await view.locator('#board button').evaluateAll(buttons => buttons.map(button => button.getAttribute('aria-label') ?? ''))
  return names.map((name, i) => {
    const [number, mark] = name.split(', ')
    if (number !== String(i + 1)) throw new Error(`cell ${i + 1} is named "${name}"`)
    return mark === 'empty' ? '' : mark
  })
}

const serverCells = (answer: Answer): string[] => [1, 2, 3, 4, 5, 6, 7, 8, 9].map(cell => answer.positions[`position_${cell}`])

async function waitFor (condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise(resolve => setTimeout(resolve, 25))
  if (!condition()) throw new Error(`timed out waiting for ${what}`)
}

/**
 * Plays to the end by clicking free cells (the first free one, or with the keyboard every other
 * turn), checking each click's way through the bridge, the board shown and what the model was told.
 */
async function playByClicks (t: Test, host: Awaited<ReturnType<typeof openHost>>, player: 'X' | 'O'): Promise<Answer> {
  const { view, calls, results, contexts } = host
  let answer: Answer = {}
  for (let turn = 0; turn < 5; turn++) {
    const free = view.getByRole('button', { name: /^\d, empty$/, disabled: false })
    const label = await free.first().getAttribute('aria-label') as string
    const cell = Number(label.split(',')[0])
    const [callsBefore, contextsBefore] = [calls.length, contexts.length]
    if (turn % 2 === 1) await free.first().press('Enter')
    else await free.first().click()
    await waitFor(() => calls.length === callsBefore + 1 && contexts.length === contextsBefore + 1, `the move on ${cell}`)
    const call = calls[calls.length - 1]
    t.equal(call.name, 'play_move')
    t.equal(call.arguments.human_position, cell, `the click on ${cell} went through the bridge as human_position`)
    answer = results[results.length - 1].structuredContent as Answer
    t.equal(answer.positions[`position_${cell}`], player, 'the server placed the player\'s mark there')
    await view.locator('#status').filter({ hasNotText: 'thinking' }).waitFor()
    t.same(await viewCells(view), serverCells(answer), 'the view shows the server\'s board')
    const context = contexts[contexts.length - 1]
    t.match(context.structuredContent, { positions: answer.positions, status: answer.status, next_player: answer.next_player })
    t.match(context.content[0].text, answer.board_text, 'the model was told the board')
    if (answer.status === 'end') break
    t.equal(await view.locator('#message').innerText(), answer.message, 'the AI\'s move and reason are shown')
  }
  t.equal(answer.status, 'end', 'the game ends')
  const status = await view.locator('#status').innerText()
  if (answer.winner === 'Draw') t.equal(status, 'Draw: the board is full.')
  else t.match(status, new RegExp(`${answer.winner === player ? 'You win' : `The AI \\(${answer.winner}\\) wins`} with ${answer.winning_line.join('-')}\\.`))
  for (const cell of answer.winning_line ?? []) {
    t.match(await view.locator(`#board button[data-cell="${cell}"]`).getAttribute('aria-label'), /, winning line$/, `cell ${cell} is marked as the ` +
      'winning line')
  }
  t.equal(await view.getByRole('button', { name: /^\d, /, disabled: false }).count(), 0, 'no cell can be played after the end')
  return answer
}

// Each revision of the protocol once: the 2025 handshake, and 2026-07-28 (stateless, per-request _meta).
for (const [name, env, headers, mode] of [
  ['without a key, 2025 handshake', {}, {}, 'legacy'],
  ['with API_KEY, 2026-07-28', { API_KEY: KEY }, { authorization: `Bearer ${KEY}` }, { pin: '2026-07-28' }]
] as const) {
  t.test(`the board view in a host, ${name}`, async t => {
    const host = await openHost(t, env, headers, mode)
    const { page, view, calls, problems } = host

    // As X: the model made the first call (the player took the center); the view takes over.
    const first = await host.modelCalls({ human_position: 5 })
    await view.locator('#board button[data-cell="5"][data-mark="X"]').waitFor()
    t.same(await viewCells(view), serverCells(first.structuredContent as Answer), 'the view shows the model\'s call')
    t.equal(calls.length, 0, 'showing a result calls nothing')
    const asX = await playByClicks(t, host, 'X')
    t.not(asX.winner, 'X', 'hard never loses')
    if (name.startsWith('without a key')) await page.screenshot({ path: join(SCREENSHOTS, 'board-light.png') })

    // As O: "New game" with the AI first, at easy; the view makes the opening call itself.
    await view.locator('#first').selectOption('ai')
    await view.locator('#difficulty').selectOption('easy')
    const before = calls.length
    await view.getByRole('button', { name: 'New game' }).click()
    await waitFor(() => calls.length === before + 1, 'the opening call')
    t.same(calls[calls.length - 1].arguments, { ai_player: 'X', difficulty: 'easy' })
    await view.locator('#board button[data-mark="X"]').first().waitFor()
    await playByClicks(t, host, 'O')

    if (name.startsWith('without a key')) {
      await page.evaluate(() => (globalThis as any).setHostContext({ theme: 'dark' }))
      await view.locator('html[data-theme="dark"]').waitFor({ state: 'attached' })
      const background = await view.locator('body').evaluate(body => (globalThis as any).getComputedStyle(body).backgroundColor)
      t.equal(background, 'rgb(31, 31, 31)', 'the dark theme is applied')
      await page.screenshot({ path: join(SCREENSHOTS, 'board-dark.png') })
      await page.setViewportSize({ width: 360, height: 640 })
      // The view reports its new size through the bridge and the host resizes the frame: let it.
      await page.waitForTimeout(500)
      await page.screenshot({ path: join(SCREENSHOTS, 'board-phone.png') })
    }
    // A refused call shows its message in the view, never a blank frame.
    const refused = await host.modelCalls({ position_1: 'X', position_2: 'X', human_position: 3 })
    t.equal(refused.isError, true)
    await view.getByRole('alert').filter({ hasText: refused.content[0].text }).waitFor()
    t.match(await view.locator('#status').innerText(), /wins|win|Draw/, 'the board goes back to the game it showed')
    if (name.startsWith('without a key')) await page.screenshot({ path: join(SCREENSHOTS, 'board-error.png') })

    t.same(problems, [], 'no console error')
  })
}

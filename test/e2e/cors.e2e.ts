/**
 * A host page from another origin plays the board straight against /mcp, with no proxy: Chromium
 * loads the page from http://localhost:<its port>, whose MCP client calls the server at
 * http://127.0.0.1:<port>/mcp across origins. With the page's origin in ALLOWED_ORIGINS the
 * preflights pass and whole games are clicked through, in each revision; without it the browser
 * refuses the first call.
 */
import { createServer } from 'node:http'
import { once } from 'node:events'
import { join } from 'node:path'
import { build } from 'esbuild'
import t, { type Test } from 'tap'
import { freePort, startBuiltServer } from '../process-helper.js'
import { SCREENSHOTS, launchChromium } from './chromium.js'

const hostScript = (await build({
  entryPoints: [new URL('host/browser-host.ts', import.meta.url).pathname],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  write: false
})).outputFiles[0].text.replaceAll('</script', '<\\/script')

const browser = await launchChromium(t, { width: 480, height: 720 })

/** The host page, served from its own origin; its CSP lets it reach the server and nothing else. */
async function hostPage (t: Test, server: string): Promise<string> {
  const port = await freePort()
  const page = `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src ${server}">
<style>body { margin: 0; padding: 8px; font-family: sans-serif } iframe { border: 1px solid #999; width: 100%; max-width: 440px; height: 520px; display: block }</style>
</head><body><script>${hostScript}</script></body></html>`
  const http = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page)
  }).listen(port, 'localhost')
  await once(http, 'listening')
  t.teardown(() => http.close())
  return `http://localhost:${port}`
}

for (const [name, mode, version] of [['2025 handshake', 'legacy', '2025-11-25'], ['auto, 2026-07-28', 'auto', '2026-07-28']] as const) {
  t.test(`a host page on another origin plays whole games against /mcp (${name})`, async t => {
    const port = await freePort()
    const server = `http://127.0.0.1:${port}`
    const origin = await hostPage(t, server)
    const { output } = await startBuiltServer(t, { PORT: String(port), ALLOWED_ORIGINS: origin, RATE_LIMIT_MAX: '1000' })
    const page = await browser.newPage()
    t.teardown(() => page.close())
    const problems: string[] = []
    // The 2025 client asks for a stream with GET once connected, and this stateless server answers
    // 405, as the spec has it; the client takes that and goes on, but the browser logs the status.
    page.on('console', message => {
      if (message.type() === 'error' && !message.text().includes('405 (Method Not Allowed)')) problems.push(`console: ${message.text()}`)
    })
    page.on('pageerror', error => problems.push(`page error: ${error.message}`))
    await page.goto(origin)
    const started = await page.evaluate(async ([server, mode]) => await (globalThis as any).startBrowserHost(server, mode), [server, mode] as const)
    t.equal(started.protocolVersion, version, 'the page\'s client speaks the revision')
    const view = page.frameLocator('iframe')

    // The opening: an empty board, the person to move, no error above it.
    await view.locator('#status', { hasText: 'Your turn: you play X.' }).waitFor()
    t.match(await view.locator('#message').innerText(), /^New game: X moves first\./)
    t.equal(await view.getByRole('alert').isVisible(), false, 'the board opens without an error')
    // Claude's directory asks for views about 500 px tall at most, inline: the height the view reports.
    const frame = page.locator('iframe')
    await page.waitForFunction(() => (globalThis as any).document.querySelector('iframe').style.height !== '')
    const height = parseFloat(await frame.evaluate(element => element.style.height))
    t.ok(height > 200 && height <= 500, `the view asks for ${height} px at ${await frame.evaluate(element => element.clientWidth)} px wide`)

    // Two whole games, clicked: the first free cell each turn, then a new game.
    for (let game = 0; game < 2; game++) {
      for (let turn = 0; turn < 5; turn++) {
        const free = view.getByRole('button', { name: /^\d, empty$/, disabled: false })
        if (await free.count() === 0) break
        await free.first().click()
        await view.locator('#status').filter({ hasNotText: 'thinking' }).waitFor()
        if (/win|Draw/.test(await view.locator('#status').innerText())) break
      }
      const status = await view.locator('#status').innerText()
      t.match(status, /^(Draw: the board is full\.|The AI \(O\) wins with [1-9-]+\.)$/, `game ${game + 1} ends, and the AI never loses: ${status}`)
      if (game === 0) {
        await page.screenshot({ path: join(SCREENSHOTS, `board-cross-origin-${mode}.png`) })
        await view.getByRole('button', { name: 'New game' }).click()
      }
    }
    // The server writes its log in blocks, at least once a second: wait for the lines to be out.
    const moves = (): number => output().split('\n').filter(line => line.includes('"route":"/human_move"') && line.includes('"mcpReqId"')).length
    for (let i = 0; i < 50 && moves() < 6; i++) await new Promise(resolve => setTimeout(resolve, 100))
    t.ok(moves() >= 6, `${moves()} moves reached the server through /mcp`)
    t.same(problems, [], 'no console error, no CORS refusal')
  })
}

t.test('without the page\'s origin in ALLOWED_ORIGINS the browser refuses the first call', async t => {
  const port = await freePort()
  const server = `http://127.0.0.1:${port}`
  const origin = await hostPage(t, server)
  const { output } = await startBuiltServer(t, { PORT: String(port) })
  const page = await browser.newPage()
  t.teardown(() => page.close())
  await page.goto(origin)
  const failure = await page.evaluate(
    async server =>
      await (globalThis as any).startBrowserHost(server, 'legacy').then(
        () => 'connected',
        (error: Error) => error.message
      ),
    server
  )
  t.not(failure, 'connected')
  t.match(failure, /fetch/i, `the browser's refusal: ${failure}`)
  t.notMatch(output(), '"route":"/human_move"', 'nothing was played')
})

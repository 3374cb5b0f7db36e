/**
 * Debian's Chromium for the browser tests, driven by playwright-core (no browser is downloaded): a
 * fresh profile folder each run, headless, and no background traffic to hosts this machine cannot
 * reach. Closed at the end of the test file.
 */
import { mkdirSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'
import type { Test } from 'tap'

export const SCREENSHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export async function launchChromium (t: Test, viewport: { width: number, height: number }): Promise<BrowserContext> {
  const profile = await mkdtemp(join(tmpdir(), 'tictactoe-chromium-'))
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync'
    ]
  })
  t.teardown(() => browser.close())
  mkdirSync(SCREENSHOTS, { recursive: true })
  t.comment(`screenshots: ${SCREENSHOTS}`)
  return browser
}

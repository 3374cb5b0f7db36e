/**
 * The pages as a person sees them: Debian's Chromium, driven by playwright-core, against the real
 * server on 127.0.0.1. Swagger UI plays a whole game through its own form; any console error or
 * failed request fails the test. Screenshots are saved under test-results/screenshots.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import t from 'tap'
import { startBuiltServer } from '../process-helper.js'
import { SCREENSHOTS, launchChromium } from './chromium.js'

const server = await startBuiltServer(t, { RATE_LIMIT_MAX: '1000' })
const browser = await launchChromium(t, { width: 1280, height: 900 })

/** A page that records every console error, page error and failed request. */
async function watchedPage (): Promise<{ page: Page, problems: string[] }> {
  const page = await browser.newPage()
  const problems: string[] = []
  page.on('console', message => { if (message.type() === 'error') problems.push(`console: ${message.text()}`) })
  page.on('pageerror', error => problems.push(`page error: ${error.message}`))
  page.on('requestfailed', request => problems.push(`failed: ${request.url()} ${request.failure()?.errorText ?? ''}`))
  page.on('response', response => { if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`) })
  return { page, problems }
}

type Answer = { status: string, winner: string, positions: Record<string, string>, board: string[][], ai_move: { position: number } | null }

/** Fills the humanMove form in Swagger UI, executes it and returns the status and parsed answer. */
async function execute (page: Page, params: Record<string, string>): Promise<{ status: number, answer: Answer }> {
  const operation = page.locator('#operations-default-humanMove')
  for (const name of [
    'position_1',
    'position_2',
    'position_3',
    'position_4',
    'position_5',
    'position_6',
    'position_7',
    'position_8',
    'position_9',
    'ai_player'
  ]) {
    await operation.locator(`tr[data-param-name="${name}"] select`).selectOption(params[name] ?? '--')
  }
  await operation.locator('tr[data-param-name="human_position"] input').fill(params.human_position ?? '')
  const response = page.waitForResponse(res => res.url().includes('/human_move'))
  await operation.locator('button.execute').click()
  await response
  const row = operation.locator('.live-responses-table .response').first()
  await row.locator('.response-col_description .microlight').first().waitFor()
  const status = Number((await row.locator('.response-col_status').innerText()).trim())
  const answer = JSON.parse(await row.locator('.response-col_description .microlight').first().innerText()) as Answer
  return { status, answer }
}

t.test('Swagger UI: Try it out, the AI opens, then a whole game through the form', async t => {
  const { page, problems } = await watchedPage()
  await page.goto(`${server.url}/docs`)
  const operation = page.locator('#operations-default-humanMove')
  // Swagger UI renders the document in the browser: on CI's crowded two cores (two lanes at once)
  // that once took longer than Playwright's 30 s. What is tested is that it renders, not how fast.
  await operation.locator('.opblock-summary').click({ timeout: 120_000 })
  await operation.locator('button.try-out__btn').click()

  const opening = await execute(page, { ai_player: 'X' })
  t.equal(opening.status, 200)
  t.same(opening.answer.board, [[' ', ' ', ' '], [' ', 'X', ' '], [' ', ' ', ' ']], 'the AI opened in the center')

  // The person (O) takes the first free cell each turn, the AI (X) answers.
  let answer = opening.answer
  let turns = 0
  while (answer.status === 'continue' && turns < 5) {
    const free = Object.entries(answer.positions).find(([, cell]) => cell === '')?.[0].slice('position_'.length) as string
    const occupied = Object.fromEntries(Object.entries(answer.positions).filter(([, cell]) => cell !== ''))
    const played = await execute(page, { ...occupied, ai_player: 'X', human_position: free })
    t.equal(played.status, 200, `turn ${++turns}`)
    answer = played.answer
  }
  t.equal(answer.status, 'end', 'the game was played to its end in the browser')
  t.not(answer.winner, 'O', 'and the AI did not lose')
  await page.screenshot({ path: join(SCREENSHOTS, 'docs.png'), fullPage: false })
  t.same(problems, [], 'no console error or failed request')
})

t.test('the setup page and the privacy page', async t => {
  for (const [path, file, heading] of [['/', 'setup.png', 'create the GPT'], ['/privacy', 'privacy.png', 'Privacy policy']]) {
    const { page, problems } = await watchedPage()
    await page.goto(`${server.url}${path}`)
    t.match(await page.locator('h1').innerText(), heading)
    if (path === '/') {
      const importUrl = page.locator('input[value$="/openapi.json"]')
      t.equal(await importUrl.inputValue(), `${server.url}/openapi.json`, 'the import URL is this server')
      const copy = page.locator('input[value$="/openapi.json"] + button')
      await copy.click()
      // The clipboard answers asynchronously: wait (a little) for the label to change.
      await page.locator('input[value$="/openapi.json"] + button', { hasText: 'Copied' }).waitFor({ timeout: 5000 }).catch(() => {})
      t.equal(await copy.innerText(), 'Copied', 'the copy button works under the CSP')
    }
    await page.screenshot({ path: join(SCREENSHOTS, file), fullPage: true })
    t.same(problems, [], `${path}: no console error or failed request`)
  }
})

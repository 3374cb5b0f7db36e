/**
 * `npm run check:hosts` as a builder runs it before submitting to ChatGPT's and Claude's
 * directories: against this service every rule holds and the forms' screenshots and hint
 * justifications are written; against a server that breaks the rules on purpose
 * (test/fixtures/bad-app) each broken rule is named once, with its source, and the exit status is 1;
 * a static key is refused.
 */
import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SignJWT } from 'jose'
import t from 'tap'
import { RULES, type RuleId } from '../../packages/check-hosts/src/rules.js'
import { startBadServer } from '../fixtures/bad-app/server.js'
import { SCOPE, startIssuer } from '../oauth-issuer.js'
import { freePort, startBuiltServer } from '../process-helper.js'

// The package's own build, as npm run check:hosts and its publishing make it; then its bin is run.
const PACKAGE = new URL('../../packages/check-hosts/', import.meta.url).pathname
execFileSync('npm', ['run', '--silent', 'build'], { cwd: PACKAGE, stdio: 'inherit' })
const CHECK = join(PACKAGE, JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')).bin['check-hosts'])

/** Runs the package's command (what npm run check:hosts runs) without blocking this process, which may serve the target. */
async function run (...args: string[]): Promise<{ status: number | null, stdout: string, lines: string[] }> {
  const child = spawn(process.execPath, [CHECK, ...args])
  let stdout = ''
  child.stdout.on('data', chunk => { stdout += chunk })
  child.stderr.on('data', chunk => { stdout += chunk })
  const [status] = await once(child, 'exit')
  return { status: status as number | null, stdout, lines: stdout.split('\n') }
}

/** A PNG's width in pixels, from its header. */
const pngWidth = (png: Buffer): number => png.readUInt32BE(16)

t.test('against this service: every rule holds, and the forms\' screenshots and hint justifications are written', async t => {
  const server = await startBuiltServer(t, { RATE_LIMIT_MAX: '1000' })
  const out = await mkdtemp(join(tmpdir(), 'check-hosts-'))
  const result = await run(server.url, '--out', out)
  t.equal(result.status, 0, result.stdout)
  t.notMatch(result.stdout, '✗')
  for (const [id, rule] of Object.entries(RULES)) {
    if (id === 'sign-in-metadata') t.notOk(result.stdout.includes(rule.title), 'without sign-in there is no sign-in metadata to check')
    else t.ok(result.lines.includes(`✓ ${rule.title}`) || result.lines.includes(`~ ${rule.title}`), rule.title)
  }
  t.ok(result.lines.includes('~ served over HTTPS'), 'plain http on loopback is a note, not a pass')
  t.match(result.stdout, /played: from an empty board, clicked \d(, \d)*: the game ended after \d clicks?/)
  t.match(result.stdout, /result: the 20 rules checked hold/)

  const files = await readdir(out)
  const screenshots = files.filter(file => file.endsWith('.png'))
  t.ok(screenshots.length >= 3, `${screenshots.length} screenshots (Claude asks for 3 to 5)`)
  t.ok(screenshots.some(file => file.includes('light')) && screenshots.some(file => file.includes('dark')), 'light and dark')
  for (const file of screenshots) t.ok(pngWidth(await readFile(join(out, file))) >= 1000, `${file} is at least 1000 px wide`)

  const { tools } = JSON.parse(await readFile(join(out, 'tool-hint-justifications.json'), 'utf8'))
  t.ok(tools.some((tool: { name: string }) => tool.name === 'play_move'), 'the game\'s tool is justified')
  t.match(tools[0], {
    readOnlyHint: { value: true, justification: /only computes an answer from its arguments/ },
    destructiveHint: { value: false, justification: /deletes and overwrites nothing\.$/ },
    openWorldHint: { value: false, justification: /reaches nothing outside this service/ }
  })
})

t.test('against a server that breaks the rules on purpose: each broken rule named once, with its source; exit 1', async t => {
  const bad = await startBadServer()
  t.teardown(bad.close)
  const result = await run(bad.url)
  t.equal(result.status, 1, result.stdout)
  const broken: RuleId[] = ['privacy-page', 'annotations', 'tool-name', 'status-lines', 'view-csp', 'view-border', 'view-description',
    'no-ui-domain', 'view-height', 'nested-scroll', 'touch-targets', 'contrast', 'console-errors']
  for (const rule of broken) {
    const lines = result.lines.filter(line => line.startsWith(`✗ ${RULES[rule].title}: `))
    t.equal(lines.length, 1, `${rule}: one line`)
    t.match(lines[0], `[${rule}; ${RULES[rule].source}]`, `${rule}: it names its source`)
  }
  const named = (rule: RuleId): string => result.lines.find(line => line.startsWith(`✗ ${RULES[rule].title}: `)) ?? ''
  t.match(named('annotations'), 'lacks readOnlyHint, destructiveHint, openWorldHint (2025; 2026-07-28)', 'in both revisions')
  t.match(named('tool-name'), 'the name has 69 characters')
  t.match(named('status-lines'), 'the invoking line has 73 characters')
  t.match(named('no-ui-domain'), 'sets ui.domain "bad.example.com"')
  t.match(named('view-height'), /ui:\/\/bad\/view\.html: \d{3} px tall \(desktop, light; desktop, dark; phone, light; phone, dark\)/)
  t.match(named('touch-targets'), '1 under 44x44 CSS px: x (20x20)')
  t.match(named('contrast'), /"Faint text nobody can read" 1\.\d\d:1 \(needs 4\.5:1\)/)
  t.match(named('nested-scroll'), 'A box that scrolls inside the view')
  t.match(named('console-errors'), 'the bad view logs an error')
  for (const rule of ['no-static-key', 'security-schemes', 'result-size', 'view-connects'] as const) {
    t.ok(result.lines.includes(`✓ ${RULES[rule].title}`), `${rule} holds there`)
  }
  t.ok(result.lines.includes(`~ ${RULES['game-by-clicks'].title}`), 'no game to play: a note')
  t.match(result.stdout, `result: ${broken.length} rules broken: fix them before submitting`)
})

t.test('with sign-in: the metadata a host signs in with, then the tools and views with --token', async t => {
  const port = await freePort()
  const publicUrl = `http://127.0.0.1:${port}`
  const issuer = await startIssuer(t, { port: await freePort(), resource: `${publicUrl}/mcp` })
  const server = await startBuiltServer(t, { PORT: String(port), PUBLIC_URL: publicUrl, OAUTH_ISSUER: issuer.url, OAUTH_SCOPES: SCOPE })
  const without = await run(server.url)
  t.equal(without.status, 0, without.stdout)
  t.ok(without.lines.includes(`✓ ${RULES['sign-in-metadata'].title}`), 'protected resource metadata, registration and S256')
  t.match(without.stdout, 'note: the server asks for sign-in: give --token <access token> to check its tools and views too')
  t.notMatch(without.stdout, RULES.annotations.title, 'no tool was listed')

  const key = issuer.keys[0]
  const token = await new SignJWT({ scope: SCOPE }).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(issuer.url).setAudience(`${publicUrl}/mcp`).setSubject('builder').setIssuedAt().setExpirationTime('10m').sign(key.privateKey)
  const signedIn = await run(server.url, '--token', token)
  t.equal(signedIn.status, 0, signedIn.stdout)
  t.ok(signedIn.lines.includes(`✓ ${RULES['security-schemes'].title}`), 'the tools say oauth2, as the metadata does')
  t.match(signedIn.stdout, /played: from an empty board, clicked \d(, \d)*: the game ended after \d clicks?/)
})

t.test('a static key is refused: a person in a chat cannot send one', async t => {
  const server = await startBuiltServer(t, { API_KEY: 'a-very-secret-key-123' })
  const result = await run(server.url)
  t.equal(result.status, 1, result.stdout)
  t.match(result.stdout, `✗ ${RULES['no-static-key'].title}: a call without credentials gets 401 (Bearer realm="tic-tac-toe")`)
  t.match(result.stdout, 'note: the server asks for sign-in: give --token <access token> to check its tools and views too')
})

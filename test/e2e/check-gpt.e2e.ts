/**
 * `npm run check:gpt` as a builder runs it: against the real local server it passes; against a
 * deliberately broken document it names each broken rule and exits non-zero.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import Fastify from 'fastify'
import t from 'tap'
import { SignJWT } from 'jose'
import { SCOPE, startIssuer } from '../oauth-issuer.js'
import { freePort, startBuiltServer } from '../process-helper.js'

const CHECK = new URL('../../scripts/check-gpt.ts', import.meta.url).pathname
/** Runs the command without blocking this process (it may be serving the document being checked). */
async function run (...args: string[]): Promise<{ status: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, [...process.execArgv, CHECK, ...args])
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => { stdout += chunk })
  child.stderr.on('data', chunk => { stderr += chunk })
  const [status] = await once(child, 'exit')
  return { status: status as number | null, stdout, stderr }
}

t.test('against the local server: every rule holds and the action answers to its schema', async t => {
  const server = await startBuiltServer(t)
  const result = await run(server.url)
  t.equal(result.status, 0, result.stdout + result.stderr)
  t.match(result.stdout, '✓ humanMove: 200 in ')
  t.match(result.stdout, 'result: the GPT editor should accept this document as it is')
  t.notMatch(result.stdout, '✗')
  t.match(result.stdout, '- exactly one https server on the root origin: not yet (a local try; the deployed URL must hold it)')
  t.notMatch(result.stdout, '✓ exactly one https server', 'an http URL is never marked as https')
})

t.test('with API_KEY, the call is made with --key', async t => {
  const server = await startBuiltServer(t, { API_KEY: 'a-very-secret-key-123' })
  t.equal((await run(server.url, '--key', 'a-very-secret-key-123')).status, 0)
  const without = await run(server.url)
  t.equal(without.status, 1)
  t.match(without.stdout, '✗ humanMove: 401: this deployment asks for an API key: run again with --key <API key>')
  t.notMatch(without.stdout, 'no application/json schema', 'one line, not the contract\'s noise about the 401')
})

t.test('a server that cannot be reached is named with the reason', async t => {
  const refused = await run(`http://127.0.0.1:${await freePort()}`)
  t.equal(refused.status, 1)
  t.match(refused.stdout, '✗ could not fetch the document: the connection was refused (is the server running, on that port?)')
  const unknown = await run('http://no-such-host.invalid')
  t.match(unknown.stdout, '✗ could not fetch the document: the host name does not resolve (DNS): check the URL')
})

t.test('with sign-in: the OAuth scheme is checked (the local issuer\'s http endpoints as notes) and the call made with --token', async t => {
  const port = await freePort()
  const publicUrl = `http://127.0.0.1:${port}`
  const issuer = await startIssuer(t, { port: await freePort(), resource: `${publicUrl}/mcp` })
  const server = await startBuiltServer(t, { PORT: String(port), PUBLIC_URL: publicUrl, OAUTH_ISSUER: issuer.url, OAUTH_SCOPES: SCOPE })
  const key = issuer.keys[0]
  const token = await new SignJWT({ scope: SCOPE }).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(issuer.url).setAudience(`${publicUrl}/mcp`).setSubject('builder').setIssuedAt().setExpirationTime('10m').sign(key.privateKey)
  const result = await run(server.url, '--token', token)
  t.equal(result.status, 0, result.stdout + result.stderr)
  t.match(result.stdout, '- an OAuth scheme is the authorization-code flow with https endpoints: not yet (a local try; the deployed URL must hold it)')
  t.match(result.stdout, `note (local try): the OAuth scheme oauth2 has authorizationUrl "${issuer.url}/auth"; the editor needs an https URL`)
  t.match(result.stdout, '✓ humanMove: 200 in ')
  const without = await run(server.url)
  t.equal(without.status, 1)
  t.match(without.stdout, '✗ humanMove: 401: this deployment asks for sign-in: run again with --token <access token>')
})

t.test('against a broken document: each broken rule is named, exit status 1', async t => {
  const broken = Fastify()
  broken.get('/openapi.json', async () => ({
    openapi: '3.0.3',
    info: { title: 'broken', version: '1' },
    servers: [{ url: 'http://Game.Example.com:8080' }, { url: 'https://b.example.com' }],
    paths: {
      '/move': {
        get: {
          summary: 's'.repeat(350),
          parameters: [{ name: 'x-user', in: 'header', schema: { type: 'string' } }],
          responses: { 200: { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } }
        }
      }
    }
  }))
  broken.get('/move', async () => ({ anything: true }))
  const address = await broken.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => broken.close())
  const result = await run(address)
  t.equal(result.status, 1)
  for (const line of [
    '✗ OpenAPI version 3.1.0 or 3.1.1',
    '✗ exactly one https server on the root origin',
    '    - servers has 2 entries; the editor keeps only one, so give exactly one',
    '✗ every operation has a unique operationId',
    '✗ x-openai-isConsequential is set on every operation',
    '✗ summary and description within 300 characters',
    '✗ no header or cookie parameters',
    '✗ object schemas have explicit properties, no maps, no circular $ref',
    '✓ no HEAD operations'
  ]) t.match(result.stdout, line)
  t.match(result.stdout, /result: \d+ checks failed/)
})

t.test('a URL with nothing there fails clearly', async t => {
  const result = await run('http://127.0.0.1:9')
  t.equal(result.status, 1)
  t.match(result.stdout, '✗ could not fetch the document')
})

t.test('the command prints its usage without building, and builds only when a source is newer than the build', async t => {
  const runBuilt = new URL('../../scripts/run-built.mjs', import.meta.url).pathname
  const once_ = async (...args: string[]) => {
    const child = spawn(process.execPath, [runBuilt, ...(args[0] === '--build-if-stale' ? [] : ['check-gpt']), ...args])
    let output = ''
    child.stdout.on('data', chunk => { output += chunk })
    child.stderr.on('data', chunk => { output += chunk })
    const [status] = await once(child, 'exit')
    return { status: status as number | null, output }
  }
  const usage = await once_()
  t.equal(usage.status, 2)
  t.match(usage.output, /^usage: npm run check:gpt -- <https:\/\/your\.host>/)
  t.notMatch(usage.output, 'building')
  const fresh = await once_(`http://127.0.0.1:${await freePort()}`)
  t.notMatch(fresh.output, 'building first', 'the build of this run is fresh: no second build')
  t.match(fresh.output, 'could not fetch the document: the connection was refused')
  // What npm run test:conformance runs before the suite: nothing to do on a fresh build.
  t.same(await once_('--build-if-stale'), { status: 0, output: '' })
})

/**
 * npm run check:gpt -- <url> [--key <API key> | --token <access token>]
 *
 * What the GPT editor would say of a deployment, before its URL is pasted there: fetches
 * <url>/openapi.json, reports rule by rule what the editor would reject or silently drop (the same
 * rules the unit tests apply), validates the document with an independent OpenAPI 3.1 validator,
 * then calls each action once with the document's example values and checks the answer against
 * the schema the document publishes. Exit status 1 when anything would fail.
 *
 * Against a local server (http://localhost or 127.0.0.1) the https and public-host problems are
 * shown as notes only: the deployed URL must be https, but a local try cannot be.
 */
import { pathToFileURL } from 'node:url'
import { Validator } from '@seriousme/openapi-schema-validator'
import { checkGptRules, operationsOf } from './gpt-rules.js'
import { DocumentContract } from './openapi-contract.js'

type Json = Record<string, unknown>

export interface CheckResult { ok: boolean, lines: string[] }

/** Why a server could not be reached, in a person's words: refused, no such host, TLS, or what fetch says. */
export function whyUnreachable (error: Error): string {
  const cause = error.cause as { code?: string, message?: string } | undefined
  const code = cause?.code ?? ''
  if (code === 'ECONNREFUSED') return 'the connection was refused (is the server running, on that port?)'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve (DNS): check the URL'
  if (/CERT|SSL|TLS/.test(code) || /certificate|TLS|SSL/i.test(cause?.message ?? '')) return `TLS failed (${code || cause?.message}): check the certificate`
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'the connection timed out'
  return cause?.message ?? error.message
}

const isLocal = (url: string): boolean => /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/.test(url)
const LOCAL_ONLY = /is not https|has a port|is not a public host name|the editor needs an https URL/

function exampleOf (parameter: Json): unknown {
  const schema = parameter.schema as Json | undefined
  return parameter.example ?? (schema?.examples as unknown[] | undefined)?.[0] ?? schema?.example
}

export async function checkGpt (target: string, apiKey?: string): Promise<CheckResult> {
  const lines: string[] = []
  let failures = 0
  const fail = (line: string): void => { failures++; lines.push(line) }
  const base = target.replace(/\/openapi\.json$/, '').replace(/\/+$/, '')
  const documentUrl = `${base}/openapi.json`
  lines.push(`checking ${documentUrl}`)

  let document: Json
  try {
    const res = await fetch(documentUrl, { headers: { accept: 'application/json' } })
    if (!res.ok) throw new Error(`HTTP ${res.status}`)
    document = await res.json() as Json
  } catch (error) {
    fail(`✗ could not fetch the document: ${whyUnreachable(error as Error)}`)
    return { ok: false, lines }
  }

  const local = isLocal(base)
  for (const { rule, problems } of checkGptRules(document)) {
    const notes = local ? problems.filter(p => LOCAL_ONLY.test(p)) : []
    const errors = problems.filter(p => !notes.includes(p))
    // A rule that only a local try breaks is not marked as held: it is not, yet.
    if (errors.length > 0) fail(`✗ ${rule}`)
    else lines.push(notes.length === 0 ? `✓ ${rule}` : `- ${rule}: not yet (a local try; the deployed URL must hold it)`)
    for (const problem of errors) lines.push(`    - ${problem}`)
    for (const note of notes) lines.push(`    note (local try): ${note}`)
  }

  const validation = await new Validator().validate(structuredClone(document))
  if (validation.valid) lines.push('✓ a valid OpenAPI 3.1 document (independent validator)')
  else {
    fail('✗ a valid OpenAPI 3.1 document (independent validator)')
    for (const error of [validation.errors].flat().slice(0, 5)) lines.push(`    - ${JSON.stringify(error)}`)
  }

  const contract = new DocumentContract(document)
  for (const { method, path, operation } of operationsOf(document)) {
    const name = String(operation.operationId ?? `${method.toUpperCase()} ${path}`)
    if (method !== 'get') {
      lines.push(`- ${name}: not called (only GET actions are tried, as they change nothing)`)
      continue
    }
    const query = new URLSearchParams()
    for (const parameter of (operation.parameters ?? []) as Json[]) {
      const example = exampleOf(parameter)
      if (parameter.in === 'query' && example !== undefined) query.set(String(parameter.name), String(example))
    }
    const url = `${base}${path}${query.size > 0 ? `?${query}` : ''}`
    const started = performance.now()
    try {
      const res = await fetch(url, { headers: apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` } })
      const ms = Math.round(performance.now() - started)
      const body: unknown = await res.json()
      // A 401 to a call made without credentials is the deployment asking for them: say which flag sends them.
      if (res.status === 401 && apiKey === undefined) {
        const withSignIn = (res.headers.get('www-authenticate') ?? '').includes('resource_metadata=')
        fail(`✗ ${name}: 401: this deployment asks for ${withSignIn ? 'sign-in' : 'an API key'}: run again with ` +
          `${withSignIn ? '--token <access token>' : '--key <API key>'}`)
        continue
      }
      const problems = contract.checkResponse(path, method, res.status, res.headers.get('content-type') ?? '', body)
      if (res.status >= 400) fail(`✗ ${name}: ${res.status} in ${ms} ms: ${String((body as Json).message ?? '')}`)
      else if (problems.length > 0) fail(`✗ ${name}: ${res.status} in ${ms} ms, but the answer does not match the published schema`)
      else lines.push(`✓ ${name}: ${res.status} in ${ms} ms, the answer matches the published schema`)
      for (const problem of problems) lines.push(`    - ${problem}`)
    } catch (error) {
      fail(`✗ ${name}: the call failed: ${whyUnreachable(error as Error)}`)
    }
  }

  lines.push(failures === 0
    ? 'result: the GPT editor should accept this document as it is'
    : `result: ${failures} check${failures === 1 ? '' : 's'} failed: fix them before importing into the GPT editor`)
  return { ok: failures === 0, lines }
}

// The command line (test/e2e/check-gpt.e2e.ts runs it as a builder would).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2)
  // The key or, with sign-in, an access token: either is sent as the bearer.
  const keyAt = Math.max(args.indexOf('--key'), args.indexOf('--token'))
  const apiKey = keyAt === -1 ? process.env.API_KEY : args[keyAt + 1]
  const target = args.find((arg, i) => !arg.startsWith('--') && (keyAt === -1 || i !== keyAt + 1))
  if (target === undefined) {
    console.error('usage: npm run check:gpt -- <https://your.host> [--key <API key> | --token <access token>]')
    process.exit(2)
  }
  const { ok, lines } = await checkGpt(target, apiKey)
  console.log(lines.join('\n'))
  process.exit(ok ? 0 : 1)
}

#!/usr/bin/env node
/**
 * check-hosts <https://your.host/mcp> [--out <folder>] [--token <access token>] [--privacy <url>]
 * [--chromium <path>]: the checks of src/check-hosts.ts from a shell; exit status 1 when a rule breaks,
 * 2 when the command line is wrong.
 */
import { parseArgs } from 'node:util'
import { checkHosts } from './check-hosts.js'

const USAGE = 'usage: check-hosts <https://your.host/mcp> [--out <folder>] [--token <access token>] [--privacy <url>] [--chromium <path>]'

let parsed
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string' }, token: { type: 'string' }, privacy: { type: 'string' }, chromium: { type: 'string' }, help: { type: 'boolean' } }
  })
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`)
  process.exit(2)
}
const { values, positionals } = parsed
if (values.help === true) {
  console.log(USAGE)
  process.exit(0)
}
if (positionals.length !== 1) {
  console.error(USAGE)
  process.exit(2)
}
const { help: _help, ...options } = values
const { ok, lines } = await checkHosts(positionals[0], options)
console.log(lines.join('\n'))
process.exit(ok ? 0 : 1)

// node scripts/run-built.mjs <command> [arguments]: runs one of the built commands (check:gpt,
// plugin) from dist/scripts/, building first only when the build is missing or older
// than a source; with no arguments, or --help, prints the command's usage without building.
// `node scripts/run-built.mjs --build-if-stale` only builds, when stale (npm run test:conformance).
// Plain JavaScript: it runs before anything is compiled.
import { execFileSync, spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const COMMANDS = {
  'check-gpt': 'usage: npm run check:gpt -- <https://your.host> [--key <API key> | --token <access token>]',
  plugin: 'usage: npm run plugin -- https://your.host [--out DIR] [--developer NAME] [--support URL] [--website URL] [--category NAME] ' +
    '[--brand-color #RRGGBB] [--brand-color-dark #RRGGBB] [--repository URL] [--name NAME] [--token ACCESS_TOKEN]'
}
/** What the build reads: a change to any of them makes dist/ stale. */
const SOURCES = [
  'app.ts', 'server.ts', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'engine', 'lib', 'plugins', 'routes', 'scripts', 'views',
  'packages/check-hosts/src', 'packages/check-hosts/browser'
]

const [command, ...args] = process.argv.slice(2)
const buildOnly = command === '--build-if-stale'
if (!buildOnly && !(command in COMMANDS)) {
  process.stderr.write(`run-built: one of ${Object.keys(COMMANDS).join(', ')}\n`)
  process.exit(2)
}
if (!buildOnly && (args.length === 0 || args.includes('--help'))) {
  process.stdout.write(`${COMMANDS[command]}\n`)
  process.exit(args.length === 0 ? 2 : 0)
}

/** The newest modification time under `path` (a file, or a folder's files). */
function newest (path) {
  let stats
  try { stats = statSync(path) } catch { return 0 }
  if (!stats.isDirectory()) return stats.mtimeMs
  return Math.max(0, ...readdirSync(path).map(entry => newest(join(path, entry))))
}

const built = newest(join(root, 'dist/outputs.json'))
const changed = Math.max(...SOURCES.map(source => newest(join(root, source))))
if (built === 0 || changed > built) {
  process.stderr.write(built === 0 ? 'building first: there is no build yet\n' : 'building first: a source changed since the last build\n')
  try {
    execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  } catch {
    process.exit(1)
  }
}
if (buildOnly) process.exit(0)
const { status } = spawnSync(process.execPath, [join(root, `dist/scripts/${command}.js`), ...args], { stdio: 'inherit' })
process.exit(status ?? 1)

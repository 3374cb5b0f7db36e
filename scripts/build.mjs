// npm run build: the service as it ships, made to start fast (a replica that scales to zero starts
// on a player's first move, so the start is paid by that player).
// 1. tsc compiles the sources into dist/ (the scripts run from there; the next step reads it);
// 2. the views are built into dist/views/ (scripts/build-views.mjs);
// 3. the app is started once from dist/: what it compiles and solves as it starts is recorded
//    (lib/made-ahead.ts), and made here ahead of time instead: its validators and serializers as
//    standalone code (Ajv's standalone mode, and Fastify's own compilers' standalone modes, so the
//    code is the code Fastify would run), and the engine's solved positions;
// 4. esbuild bundles server.ts into dist/server.js with source maps: one file to load instead of
//    hundreds, the folders @fastify/autoload would read written as a list (lib/folders.ts), what
//    step 3 made in place of lib/made-by-build.ts, and what loads only when configured (Redis, sign-in,
//    metrics, YAML) in chunks of their own, loaded on first use. Left outside, loaded from
//    node_modules: @fastify/swagger-ui (it serves files found next to its own code) and pino-pretty
//    (only for a terminal).
// Plain JavaScript: it runs before anything is compiled.
import { execFile } from 'node:child_process'
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = join(root, 'dist')
const require = createRequire(import.meta.url)

// A build that fails says why in lines a person reads, never a stack: the compiler's own lines as
// it wrote them (file, line, message), or the start's one line (an action without a required
// field names it), then what to do.
class StepFailed extends Error {}
process.on('uncaughtException', error => {
  if (!(error instanceof StepFailed)) process.stderr.write(`${error.message}\n`)
  process.stderr.write(`Build failed${error instanceof StepFailed ? `: ${error.message}` : ''}: fix what the lines above say, then run the build again.\n`)
  process.exit(1)
})
const run = async (command, args, step) => {
  try {
    return await promisify(execFile)(command, args, { cwd: root })
  } catch (error) {
    process.stderr.write(`${error.stdout ?? ''}${error.stderr ?? ''}`)
    throw new StepFailed(step)
  }
}

// 1, 2. From a clean dist/: a file moved in the sources must not linger there.
await rm(dist, { recursive: true, force: true })
await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'], 'the type check')
await run(process.execPath, ['scripts/build-views.mjs'], 'the views')
// The plugin maker (dist/scripts/plugin.js) uses check:hosts's package as a library, compiled beside
// it by tsc: its host page, bundled as it runs, goes beside it too, as in the package.
await cp(join(root, 'packages/check-hosts/browser'), join(dist, 'packages/check-hosts/browser'), { recursive: true })

// 3. What a start compiles, recorded by starting the app from dist/ with no configuration.
const { recorded } = await import(pathToFileURL(join(dist, 'lib/made-ahead.js')).href)
const { default: Fastify } = await import('fastify')
const { default: app, serverOptions } = await import(pathToFileURL(join(dist, 'app.js')).href)
const { loadConfig } = await import(pathToFileURL(join(dist, 'plugins/config.js')).href)
const config = loadConfig({ LOG_LEVEL: 'silent' })
const fastify = Fastify(serverOptions(config))
await fastify.register(app, { config })
await fastify.ready()
await fastify.close()

const made = join(dist, 'made-ahead')
await rm(made, { recursive: true, force: true })
await mkdir(made)
const { Ajv } = require('ajv')
const standaloneCode = require('ajv/dist/standalone').default
const { STRICT_OPTIONS } = await import(pathToFileURL(join(dist, 'lib/strict-validator.js')).href)
const { StandaloneValidator } = require('@fastify/ajv-compiler')
const { StandaloneSerializer } = require('@fastify/fast-json-stringify-compiler')
const { solvedPositions } = await import(pathToFileURL(join(dist, 'engine/index.js')).href)

/** The standalone code of each recorded thing (a CommonJS module), made by the compiler that makes it at start. */
function codeOf ({ maker, schema }) {
  switch (maker.kind) {
    case 'strict': {
      const ajv = new Ajv({ ...STRICT_OPTIONS, useDefaults: maker.useDefaults, code: { source: true } })
      return standaloneCode(ajv, ajv.compile(schema))
    }
    case 'fastify-validator': {
      let code
      StandaloneValidator({
        readMode: false,
        storeFunction: (_route, source) => {
          code = source
        }
      })(
        {},
        { customOptions: {} }
      )({ schema, method: maker.method, url: maker.url, httpPart: maker.httpPart })
      return code
    }
    case 'fastify-serializer': {
      let code
      StandaloneSerializer({
        readMode: false,
        storeFunction: (_route, source) => {
          code = source
        }
      })(
        {},
        {}
      )({ schema, method: maker.method, url: maker.url, httpStatus: maker.httpStatus })
      return code
    }
    case 'solved-positions': {
      const { values, bestMoves } = solvedPositions()
      const table = array => `new Int8Array(Buffer.from(${JSON.stringify(Buffer.from(array.buffer).toString('base64'))}, 'base64'))`
      return `module.exports = { values: ${table(values)}, bestMoves: ${table(bestMoves)} }\n`
    }
  }
  throw new Error(`No way to make ${maker.kind} ahead of time`)
}

const entries = []
for (const [key, thing] of recorded) {
  const file = `made-${entries.length}.cjs`
  await writeFile(join(made, file), codeOf(thing))
  entries.push({ key, file })
}
const madeByBuildModule = [
  ...entries.map(({ file }, i) => `import made${i} from ${JSON.stringify(join(made, file))}`),
  `export const madeByBuild = new Map([${entries.map(({ key }, i) => `[${JSON.stringify(key)}, made${i}]`).join(', ')}])`
].join('\n')

// 4. The folders @fastify/autoload would read, as a list, registered the way it registers them.
const scripts = /\.(?:ts|js)$/
async function folderList (dir) {
  const entries = (await readdir(join(root, dir), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))
  // A folder of routes is its index; a folder of plugins is its files, and the index of each folder
  // in it (a plugin with modules of its own), as @fastify/autoload reads them.
  return entries.flatMap(entry => entry.isDirectory()
    ? [join(root, dir, entry.name, 'index.ts')]
    : dir !== 'routes' && scripts.test(entry.name) && !entry.name.endsWith('.d.ts') ? [join(root, dir, entry.name)] : [])
}
const folders = { 'plugins/external': await folderList('plugins/external'), 'plugins/app': await folderList('plugins/app'), routes: await folderList('routes') }
const foldersModule = `
import fp from 'fastify-plugin'
${Object.values(folders).flat().map((file, i) => `import * as plugin${i} from ${JSON.stringify(file)}`).join('\n')}
const FOLDERS = {
${Object.entries(folders).map(([dir, files]) => `  ${JSON.stringify(dir)}: [${files.map(file => `plugin${Object.values(folders).flat().indexOf(file)}`).join(', ')}]`).join(',\n')}
}
const META = Symbol.for('plugin-meta')
// As @fastify/autoload: in file order, each plugin after those of its folder it depends on.
async function folder (fastify, { dir, options = {} }) {
  const plugins = FOLDERS[dir].map(module => module.default)
  const byName = new Map(plugins.map(plugin => [plugin[META]?.name, plugin]))
  const registered = new Set()
  const register = plugin => {
    if (registered.has(plugin)) return
    registered.add(plugin)
    for (const name of plugin[META]?.dependencies ?? []) if (byName.has(name)) register(byName.get(name))
    fastify.register(plugin, options)
  }
  plugins.forEach(register)
}
export default fp(folder, { fastify: '5.x' })
`

const replaced = { [join(root, 'lib/made-by-build.ts')]: madeByBuildModule, [join(root, 'lib/folders.ts')]: foldersModule }
const replacements = {
  name: 'built-server',
  setup (build) {
    build.onLoad({ filter: /lib\/(?:made-by-build|folders)\.ts$/ }, args =>
      replaced[args.path] === undefined ? undefined : { contents: replaced[args.path], loader: 'js', resolveDir: join(root, 'lib') }
    )
  }
}

await rm(join(dist, 'chunks'), { recursive: true, force: true })
const result = await build({
  entryPoints: { server: join(root, 'server.ts') },
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minifySyntax: true,
  legalComments: 'none',
  // Fastify's compilers: it requires them only for a schema it must compile, and the build compiled
  // them all (step 3). They stay in node_modules for the routes a developer adds.
  // OpenTelemetry (loaded only with an OTLP endpoint) keeps its packages as they are: its API must be
  // one copy per process, the one the instrumentation and any other library on the process share.
  external: ['@fastify/swagger-ui', 'pino-pretty', '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', '@fastify/otel', '@opentelemetry/*'],
  // CommonJS code inside calls require (for Node's own modules): give it one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  plugins: [replacements],
  metafile: true,
  logLevel: 'warning'
})
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'))
// Which packages each output holds, for the tests that check what a start loads (test/e2e/built.e2e.ts).
const packagesOf = output =>
  [
    ...new Set(
      Object.keys(output.inputs)
        .map(input => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1])
        .filter(name => name !== undefined)
    )
  ].sort()
await writeFile(
  join(dist, 'outputs.json'),
  JSON.stringify(Object.fromEntries(outputs.map(([file, output]) => [relative(dist, join(root, file)), packagesOf(output)])), null, 1)
)
const size = file => `${Math.round(result.metafile.outputs[file].bytes / 1024)} KB`
console.log(`built: dist/server.js (${size(outputs.find(([file]) => file.endsWith('dist/server.js'))[0])}), ${outputs.length - 1} chunks loaded on ` +
  `use; ${entries.length} things made ahead of time (${[...recorded.keys()].join(', ')}); ${Object.values(folders).flat().length} plugins from ` +
    `${Object.keys(folders).join(', ')}`)
console.log(`  (${relative(root, made)} holds what was made ahead of time, as the bundle took it)`)

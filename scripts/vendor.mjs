// Part of `npm run build`, after tsc: packages made of many small files each become one file in
// dist/vendor/, and the compiled service imports that file instead. Node loads a module file by
// file (resolving, reading, compiling and linking each), and at start that was the largest cost
// the service adds to a bare Fastify's. Measured on the 2-core machine, Node 20: TypeBox, some 200
// ES modules, took 72 ms to import as a package and 5 ms as one file; @fastify/swagger, which
// loads yaml's 72 files when registered, about 58 ms less at start. Bundling four smaller packages
// as well (@fastify/rate-limit, @fastify/under-pressure, negotiator, close-with-grace) saved 8 ms
// for 2 MB more memory: not done. Left as they are: Ajv and the rest of what Fastify itself loads
// (bare Fastify pays for them too), @fastify/swagger-ui (it serves files found next to its own
// code), and what loads only when used (the MCP SDK, ioredis, fastify-metrics).
// Only the built service changes: the tests run the sources, which import the packages themselves.
// TypeBox marks its schemas with Symbol.for, and so does fastify-plugin its metadata, so the copies
// and the originals agree. Plain JavaScript: it runs before anything is compiled.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/** Each package, the file it becomes, and what of it the service imports. */
const VENDORED = {
  '@sinclair/typebox': { file: 'typebox.js', exports: "export * from '@sinclair/typebox'" },
  '@fastify/swagger': { file: 'fastify-swagger.js', exports: "export { default } from '@fastify/swagger'" }
}

const dist = fileURLToPath(new URL('../dist/', import.meta.url))
const vendor = join(dist, 'vendor')
await mkdir(vendor, { recursive: true })

for (const { file, exports } of Object.values(VENDORED)) {
  await build({
    stdin: { contents: exports, resolveDir: fileURLToPath(new URL('..', import.meta.url)) },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    outfile: join(vendor, file),
    // CommonJS code inside calls require (for Node's own modules): give it one.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'warning'
  })
}

/** `from '<name>'` in a compiled file (tsc keeps the source's quotes; type-only imports are gone). */
const importOf = name => new RegExp(`(\\bfrom\\s*)(['"])${name.replace(/[/.]/g, '\\$&')}\\2`, 'g')

async function * compiledFiles (dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory() && path !== vendor) yield * compiledFiles(path)
    else if (entry.isFile() && entry.name.endsWith('.js')) yield path
  }
}

let rewritten = 0
for await (const path of compiledFiles(dist)) {
  const source = await readFile(path, 'utf8')
  let code = source
  for (const [name, { file }] of Object.entries(VENDORED)) {
    const target = relative(dirname(path), join(vendor, file))
    code = code.replace(importOf(name), (_match, from, quote) => `${from}${quote}${target.startsWith('.') ? target : `./${target}`}${quote}`)
  }
  if (code !== source) {
    await writeFile(path, code)
    rewritten++
  }
}
// An unchanged tree is not compiled again, so its files were rewritten by an earlier build.
console.log(`vendor: ${Object.keys(VENDORED).join(', ')} -> dist/vendor/ (${rewritten} compiled files rewritten now)`)

// Builds each view under views/ into one self-contained HTML file in dist/views/ (script and style
// inline, nothing fetched), as MCP Apps hosts load it: `views/NAME/NAME.html` is the page,
// `NAME.ts` its script, `NAME.css` its style. Plain JavaScript so it runs before anything is compiled.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'

const root = new URL('../', import.meta.url)
const out = new URL('dist/views/', root)
await mkdir(out, { recursive: true })

/**
 * zod (which the MCP Apps SDK validates messages with) re-exports every one of its ~50 locales as
 * `z.locales`; nothing in a view reads them, and esbuild cannot drop a namespace re-export. Only
 * English, which zod itself loads as its default, is kept: 264 KB less.
 */
const englishOnly = {
  name: 'zod-english-only',
  setup (build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, args =>
      args.importer.includes('/zod/') ? { path: 'zod-locales', namespace: 'zod-english-only', pluginData: args.resolveDir } : undefined
    )
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, args => ({
      contents: 'export { default as en } from ' +
        "'../locales/en.js'",
      resolveDir: args.pluginData
    }))
  }
}

const entries = await readdir(new URL('views/', root), { withFileTypes: true })
for (const name of entries.filter(entry => entry.isDirectory()).map(entry => entry.name)) {
  const dir = new URL(`views/${name}/`, root)
  const script = await build({
    entryPoints: [new URL(`${name}.ts`, dir).pathname],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2022',
    write: false,
    legalComments: 'none',
    plugins: [englishOnly]
  })
  const style = await build({ entryPoints: [new URL(`${name}.css`, dir).pathname], minify: true, write: false })
  const page = await readFile(new URL(`${name}.html`, dir), 'utf8')
  // "</script" inside the script would end it early: escaped, it means the same in JavaScript.
  const js = script.outputFiles[0].text.replaceAll('</script', '<\\/script')
  const html = page
    .replace('/* STYLE */', () => style.outputFiles[0].text.trim())
    .replace('/* SCRIPT */', () => js.trim())
  await writeFile(new URL(`${name}.html`, out), html)
  console.log(`views/${name} -> dist/views/${name}.html: ${html.length} bytes, ${gzipSync(html).length} gzipped`)
}

/**
 * The built views (dist/views/NAME.html, made by `npm run build:views`), read once: from the source
 * tree in tests, from dist/ when built.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'

export async function readView (name: string): Promise<string> {
  const candidates = [`../dist/views/${name}.html`, `../views/${name}.html`].map(path => new URL(path, import.meta.url))
  const file = candidates.find(url => existsSync(url))
  if (file === undefined) throw new Error(`The view "${name}" is not built (dist/views/${name}.html is missing): run npm run build.`)
  return await readFile(file, 'utf8')
}

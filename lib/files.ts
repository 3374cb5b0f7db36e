/**
 * The files the service reads besides its code: the package's name and version, and the built
 * views (dist/views/NAME.html, made by `npm run build:views`). Found from the project's root, which
 * is one or two folders up whether this runs from the sources, from dist/ or as the built server.
 */
import { existsSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'

const root = ['../', '../../'].map(path => new URL(path, import.meta.url)).find(url => existsSync(new URL('package.json', url))) as URL

export const packageInfo = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { name: string, version: string, description: string }

export async function readView (name: string): Promise<string> {
  const file = new URL(`dist/views/${name}.html`, root)
  if (!existsSync(file)) throw new Error(`The view "${name}" is not built (dist/views/${name}.html is missing): run npm run build.`)
  return await readFile(file, 'utf8')
}

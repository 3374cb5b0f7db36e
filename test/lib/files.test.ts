import t from 'tap'
import { readView } from '../../lib/files.js'

t.test('a built view is read whole; a missing one says how to build it', async t => {
  t.match(await readView('board'), /^<!doctype html>[\s\S]*<\/html>\n$/)
  await t.rejects(readView('chess'), { message: 'The view "chess" is not built (dist/views/chess.html is missing): run npm run build.' })
})

t.test('the package read is the project\'s own', async t => {
  const { packageInfo } = await import('../../lib/files.js')
  const { readFile } = await import('node:fs/promises')
  const own = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'))
  t.same({ name: packageInfo.name, version: packageInfo.version }, { name: own.name, version: own.version })
})

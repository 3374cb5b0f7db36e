import t from 'tap'
import { readView } from '../../plugins/views.js'

t.test('a built view is read whole; a missing one says how to build it', async t => {
  t.match(await readView('board'), /^<!doctype html>[\s\S]*<\/html>\n$/)
  await t.rejects(readView('chess'), { message: 'The view "chess" is not built (dist/views/chess.html is missing): run npm run build.' })
})

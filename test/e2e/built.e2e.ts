/**
 * The built service, as `npm start` and the image run it: `node dist/server.js`, whose TypeBox and
 * @fastify/swagger are the single-file copies scripts/vendor.mjs makes (every other test runs the
 * sources, which import the packages themselves). It must serve the same schemas and document.
 */
import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import t from 'tap'
import { buildApp } from '../helper.js'
import { exitOf, startServer } from '../process-helper.js'

const root = new URL('../../', import.meta.url)

t.test('node dist/server.js: vendored packages in use, same validation and the same document as the sources', async t => {
  // The build's first two steps (tsc, then vendor.mjs): the views, which tests running beside this
  // one read, were built by test:e2e before any test started and are left alone.
  await promisify(execFile)('npx', ['tsc', '-b', 'tsconfig.build.json'], { cwd: root })
  await promisify(execFile)(process.execPath, ['scripts/vendor.mjs'], { cwd: root })
  t.match(await readFile(new URL('dist/plugins/config.js', root), 'utf8'), "from '../vendor/typebox.js'", 'the built service imports the single-file TypeBox')
  t.match(await readFile(new URL('dist/plugins/external/swagger.js', root), 'utf8'), "from '../../vendor/fastify-swagger.js'")

  const { child, port, output } = await startServer(t, { HOST: '127.0.0.1', SHUTDOWN_DRAIN_MS: '0' }, new URL('dist/server.js', root).pathname)
  const url = `http://127.0.0.1:${port}`

  // The same calls to the built service and to the sources in-process get the same answers.
  const app = await buildApp(t)
  for (const query of ['position_1=x&position_5=O&human_position=9', 'position_1=Z', 'human_position=10', 'position_1=X&position_2=X']) {
    const built = await fetch(`${url}/human_move?${query}`)
    const sources = await app.inject(`/human_move?${query}`)
    t.equal(built.status, sources.statusCode, `${query}: status`)
    t.same(await built.json(), sources.json(), `${query}: answer`)
  }

  // The document from the built service is the one the sources make (asked with the same Host).
  const fromSources = (await app.inject({ method: 'GET', url: '/openapi.json', headers: { host: `127.0.0.1:${port}` } })).json() as Record<string, unknown>
  const fromBuild = await (await fetch(`${url}/openapi.json`)).json() as Record<string, unknown>
  t.same(fromBuild, fromSources, '/openapi.json')
  t.equal((await fetch(`${url}/docs/json`)).status, 200)

  child.kill('SIGTERM')
  t.equal(await exitOf(child), 0)
  t.notMatch(output(), /"level":50|Error/, 'nothing went wrong in the log')
})

/**
 * The Node.js lines the service says it runs on (package.json's engines) are lines every installed
 * package runs on too, so `npm ci --engine-strict` passes on any of them and no install warns.
 */
import { readFile } from 'node:fs/promises'
import semver from 'semver'
import t from 'tap'

const root = new URL('../', import.meta.url)

t.test('every dependency takes every Node.js line the service claims', async t => {
  const ours = JSON.parse(await readFile(new URL('package.json', root), 'utf8')).engines.node as string
  const lock = JSON.parse(await readFile(new URL('package-lock.json', root), 'utf8')) as {
    packages: Record<string, { engines?: { node?: string } | string[], optional?: boolean }>
  }
  const narrower: string[] = []
  for (const [path, entry] of Object.entries(lock.packages)) {
    const theirs = Array.isArray(entry.engines) ? undefined : entry.engines?.node
    // Optional packages are other platforms' binaries, not installed here.
    if (path === '' || theirs === undefined || entry.optional === true) continue
    if (!semver.subset(ours, theirs)) narrower.push(`${path.replace(/^.*node_modules\//, '')} wants ${theirs}`)
  }
  t.same(narrower, [], `engines ${ours} is within every dependency's`)
  t.notOk(semver.satisfies('20.20.2', ours), 'Node 20 (past its end of life) is not claimed')
  t.ok(semver.satisfies('24.0.0', ours) && semver.satisfies('22.19.0', ours), 'the LTS lines are')
})

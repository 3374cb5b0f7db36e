/**
 * A build that fails, as a newcomer meets it: an action folder that does not compile, and one whose
 * definition lacks a required field, each in a copy of the service. The build prints the
 * compiler's lines as they are (the missing field named by the type check), then what to do;
 * never a stack trace.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'

const root = new URL('../../', import.meta.url).pathname

/** A copy of the service with one more action folder, built; what the build printed. */
async function buildWith (t: Test, action: string): Promise<{ status: number | null, output: string }> {
  const copy = await mkdtemp(join(tmpdir(), 'tictactoe-build-'))
  t.teardown(() => rm(copy, { recursive: true, force: true }))
  const entries = ['app.ts', 'server.ts', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'engine', 'lib', 'plugins', 'routes', 'scripts', 'views']
  for (const entry of entries) {
    await cp(join(root, entry), join(copy, entry), { recursive: true })
  }
  await symlink(join(root, 'node_modules'), join(copy, 'node_modules'))
  await mkdir(join(copy, 'routes/flip-coin'))
  await writeFile(join(copy, 'routes/flip-coin/index.ts'), action)
  const child = spawn(process.execPath, ['scripts/build.mjs'], { cwd: copy, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', chunk => { output += chunk })
  child.stderr.on('data', chunk => { output += chunk })
  const [status] = await once(child, 'exit')
  return { status: status as number | null, output }
}

const ACTION = (schema: string) => `import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'

const flipCoin: FastifyPluginAsync = async fastify => {
  fastify.action({
    method: 'GET',
    url: '/flip_coin',
    schema: {
      operationId: 'flipCoin',
      summary: 'Flip a coin',
      description: 'Flips a coin.',
${schema}
      querystring: Type.Object({}),
      response: { 200: Type.Object({ side: Type.String() }) }
    },
    handler: () => ({ side: Math.random() < 0.5 ? 'heads' : 'tails' })
  })
}
export default flipCoin
`

t.test('an action that does not compile: the compiler\'s lines as they are, then one line; no stack', async t => {
  const { status, output } = await buildWith(t, ACTION("      'x-openai-isConsequential': false,").replace('Type.String()', 'Typ.String()'))
  t.equal(status, 1)
  t.match(output, /^routes\/flip-coin\/index\.ts\(\d+,\d+\): error TS2552: Cannot find name 'Typ'/m)
  t.match(output, /^Build failed: the type check: fix what the lines above say, then run the build again\.$/m)
  t.notMatch(output, /^\s+at /m, 'no stack')
  t.notMatch(output, 'Command failed')
})

t.test('a definition without x-openai-isConsequential: a line that says which, then what to do; no stack', async t => {
  const { status, output } = await buildWith(t, ACTION(''))
  t.equal(status, 1)
  t.match(output, /^routes\/flip-coin\/index\.ts\(\d+,\d+\): error TS2741: Property ''x-openai-isConsequential'' is missing/m)
  t.match(output, /^Build failed: the type check: fix what the lines above say, then run the build again\.$/m)
  t.notMatch(output, /^\s+at /m, 'no stack')
})

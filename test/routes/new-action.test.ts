/**
 * "Add another action" as the README tells it, done for real: a copy of the service with one more
 * folder under routes/ (test/fixtures/roll-die) and no other edit. The new action must be served
 * over HTTP, listed in the OpenAPI document and offered as an MCP tool.
 */
import { cp, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import Fastify from 'fastify'
import t from 'tap'

const root = new URL('../../', import.meta.url).pathname

t.test('the README\'s example is the fixture, character for character', async t => {
  const readme = await readFile(join(root, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Add another action'))
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
  t.equal(block, await readFile(join(root, 'test/fixtures/roll-die/index.ts'), 'utf8'), 'README.md shows test/fixtures/roll-die/index.ts as it is')
})

t.test('a new folder under routes/ reaches both doors with no other edit', async t => {
  const copy = await mkdtemp(join(tmpdir(), 'tictactoe-copy-'))
  t.teardown(() => rm(copy, { recursive: true, force: true }))
  for (const entry of ['app.ts', 'package.json', 'tsconfig.json', 'engine', 'lib', 'plugins', 'routes']) {
    await cp(join(root, entry), join(copy, entry), { recursive: true })
  }
  // A folder of the reader's own holding the README's example (under any name) gives way to the fixture.
  for (const folder of await readdir(join(copy, 'routes'))) {
    const source = await readFile(join(copy, 'routes', folder, 'index.ts'), 'utf8').catch(() => '')
    if (source.includes("operationId: 'rollDie'")) await rm(join(copy, 'routes', folder), { recursive: true, force: true })
  }
  await cp(join(root, 'dist/views'), join(copy, 'dist/views'), { recursive: true })
  await symlink(join(root, 'node_modules'), join(copy, 'node_modules'))
  await cp(join(root, 'test/fixtures/roll-die'), join(copy, 'routes/roll-die'), { recursive: true })

  const { default: app, serverOptions } = await import(join(copy, 'app.ts'))
  const { loadConfig } = await import(join(copy, 'plugins/config.ts'))
  const config = loadConfig({ LOG_LEVEL: 'silent' })
  const fastify = Fastify(serverOptions(config))
  await fastify.register(app, { config })
  t.teardown(() => fastify.close())
  const address = await fastify.listen({ host: '127.0.0.1', port: 0 })

  const roll = await fastify.inject('/roll_die?sides=20')
  t.equal(roll.statusCode, 200)
  t.equal(roll.json().sides, 20)
  t.ok(roll.json().value >= 1 && roll.json().value <= 20)
  const refused = await fastify.inject('/roll_die?sides=1')
  t.equal(refused.statusCode, 400)
  t.equal(refused.json().message, 'sides must be at least 2 (got 1). See /openapi.json for the parameters.')

  const document = (await fastify.inject('/openapi.json')).json()
  t.ok('/human_move' in document.paths && '/roll_die' in document.paths, 'both actions in the document')
  t.notOk(document.paths['/roll_die'].get.parameters.find((parameter: { name: string }) => parameter.name === 'sides').required,
    'a parameter with a default is optional in the document')
  t.match(document.paths['/roll_die'].get, { operationId: 'rollDie', summary: 'Roll a die', 'x-openai-isConsequential': false })

  const client = new Client({ name: 'new-action-test', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL(`${address}/mcp`)))
  t.teardown(() => client.close())
  const { tools } = await client.listTools()
  t.ok(tools.some(tool => tool.name === 'roll_die'), 'the tool is named after the operationId, in snake_case')
  t.notOk(tools.find(tool => tool.name === 'roll_die')?.inputSchema.required?.includes('sides'), 'and optional in the tool\'s inputSchema')
  t.match(tools.find(tool => tool.name === 'roll_die'), {
    title: 'Roll a die',
    description: 'Rolls a die with the given number of sides and returns the number rolled.',
    inputSchema: { type: 'object', properties: { sides: { type: 'integer', default: 6 } } },
    outputSchema: { type: 'object', properties: { value: { type: 'integer' } } },
    annotations: { readOnlyHint: true }
  })
  const result = await client.callTool({ name: 'roll_die', arguments: { sides: 4 } })
  t.equal(result.isError, undefined)
  t.match(result.structuredContent, { sides: 4, value: Number })
  t.same(JSON.parse((result.content as Array<{ text: string }>)[0].text), result.structuredContent, 'the text is the answer as JSON by default')
  const bad = await client.callTool({ name: 'roll_die', arguments: { sides: 1000 } })
  t.same(bad.content, [{ type: 'text', text: 'sides must be at most 100 (got 1000). See the tool\'s input schema.' }])
})

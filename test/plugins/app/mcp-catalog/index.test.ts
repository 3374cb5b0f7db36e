/** The catalogue: made once the app is ready, from its actions (a new action folder is a new tool), with each view read. */
import t from 'tap'
import { Type } from '@sinclair/typebox'
import { buildApp } from '../../../helper.js'

t.test('every action a tool, its argument names, its prompts and its view', async t => {
  const app = await buildApp(t)
  await app.ready()
  const catalog = app.mcpCatalog
  t.same([...catalog.tools.keys()], app.actions.map(action => action.toolName))
  t.same(catalog.toolList.tools.map(tool => tool.name), [...catalog.tools.keys()])
  for (const action of app.actions) t.same(catalog.argumentNames.get(action.toolName), Object.keys(action.input.properties), action.toolName)
  t.same([...catalog.prompts.keys()], app.actions.flatMap(action => action.prompts.map(prompt => prompt.name)))
  t.same(catalog.promptList.prompts.map(prompt => prompt.name), [...catalog.prompts.keys()])
  const views = app.actions.flatMap(action => action.view ?? [])
  t.same(catalog.resourceList.resources.map(resource => resource.uri), views.map(view => view.uri))
  for (const view of views) {
    const [content] = catalog.views.get(view.uri)?.contents ?? []
    t.match(content, { uri: view.uri, mimeType: 'text/html;profile=mcp-app' }, view.name)
    t.match((content as { text: string }).text, /^<!doctype html>/i, 'the built page')
  }
  t.match(catalog.instructions, /play_move/, 'the instructions name the tools')
})

t.test('an action added beside the app\'s is a tool of its own, and a view that was not built stops the start', async t => {
  const schema = {
    operationId: 'testOnlyProbe',
    summary: 'Probe',
    description: 'A probe of the catalogue.',
    'x-openai-isConsequential': false,
    querystring: Type.Object({ n: Type.Optional(Type.Integer()) }),
    response: { 200: Type.Object({}) }
  }
  const probe = { method: 'GET', url: '/test_only_probe', schema, handler: () => ({}) } as never
  const app = await buildApp(t)
  app.action(probe)
  await app.ready()
  t.same(app.mcpCatalog.argumentNames.get('test_only_probe'), ['n'])
  t.ok(app.mcpCatalog.toolList.tools.some(tool => tool.name === 'test_only_probe'))

  const unbuilt = await buildApp(t)
  const view = { uri: 'ui://test-only/probe.html', name: 'test-only-probe', title: 'Probe', description: 'Never built.' }
  unbuilt.action({ ...(probe as object), view } as never)
  await t.rejects(async () => { await unbuilt.ready() },
    { message: 'The view "test-only-probe" is not built (dist/views/test-only-probe.html is missing): run npm run build.' })
})

/**
 * What the chat hosts read from each tool and view, checked against the shape each host documents,
 * with the source beside each check (plugins/app/mcp-catalog/host-meta.ts names them too).
 */
import t, { type Test } from 'tap'
import { buildApp } from '../../../helper.js'

type Meta = Record<string, any>

/** Sends one request as a 2025 client or, with `pin`, as a 2026-07-28 one; what is on the wire (a client would drop fields it does not know). */
async function request (app: Awaited<ReturnType<typeof buildApp>>, pin: boolean, method: string, params: Record<string, unknown> = {}): Promise<Meta> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
  let body = params
  if (pin) {
    Object.assign(headers, { 'mcp-protocol-version': '2026-07-28', 'mcp-method': method }, typeof params.uri === 'string' ? { 'mcp-name': params.uri } : {})
    body = { ...params, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } }
  }
  const res = await app.inject({ method: 'POST', url: '/mcp', headers, payload: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: body }) })
  return res.json().result
}

async function listed (t: Test, env: Record<string, string>, pin: boolean) {
  const app = await buildApp(t, env)
  const { tools } = await request(app, pin, 'tools/list')
  const { resources } = await request(app, pin, 'resources/list')
  const views = await Promise.all(
    (resources as Meta[]).map(async resource => ({ listed: resource, read: (await request(app, pin, 'resources/read', { uri: resource.uri })).contents[0] }))
  )
  return { app, tools: tools as Meta[], views: views as Array<{ listed: Meta, read: Meta }> }
}

for (const pin of [false, true]) {
  const revision = pin ? '2026-07-28' : '2025'
  t.test(`every tool says what the hosts read (${revision})`, async t => {
    const { app, tools } = await listed(t, {}, pin)
    t.equal(tools.length, app.actions.length)
    for (const tool of tools) {
      const action = app.actions.find(one => one.toolName === tool.name)
      // Claude's directory: tool names of at most 64 characters; readOnlyHint and destructiveHint on every tool.
      t.ok(tool.name.length <= 64, `${tool.name}: name of at most 64 characters`)
      // OpenAI Apps SDK reference, "Tool descriptor parameters": readOnlyHint, destructiveHint, openWorldHint (booleans).
      t.same(Object.keys(tool.annotations).sort(), ['destructiveHint', 'openWorldHint', 'readOnlyHint', 'title'], `${tool.name}: the three hints and a title`)
      t.equal(tool.annotations.readOnlyHint, !action?.consequential, 'read-only unless consequential')
      t.equal(tool.annotations.destructiveHint, action?.consequential, 'destructive only if consequential')
      t.equal(tool.annotations.openWorldHint, false, 'nothing outside this service is reached')
      // OpenAI Apps SDK reference: securitySchemes on the tool, mirrored in _meta; noauth when no sign-in is asked.
      t.same(tool.securitySchemes, [{ type: 'noauth' }])
      t.same(tool._meta.securitySchemes, tool.securitySchemes)
      // OpenAI Apps SDK reference, "_meta fields on tool descriptor": status lines of at most 64 characters.
      for (const phase of ['invoking', 'invoked'] as const) {
        const line = tool._meta[`openai/toolInvocation/${phase}`]
        t.equal(line, action?.status[phase], `${phase}: the action's own status line`)
        t.ok(line.length <= 64, `${phase}: ${line.length} characters`)
      }
      if (action?.view === undefined) continue
      // MCP Apps (2026-01-26): _meta.ui.resourceUri, a ui:// address; visibility a list of "model" and "app".
      t.equal(tool._meta.ui.resourceUri, action.view.uri)
      t.match(tool._meta.ui.resourceUri, /^ui:\/\//)
      t.same(tool._meta.ui.visibility, ['model', 'app'], 'the model and the view both call it')
      // The MCP Apps legacy flat key and ChatGPT's alias point at the same view.
      t.equal(tool._meta['ui/resourceUri'], action.view.uri)
      t.equal(tool._meta['openai/outputTemplate'], action.view.uri)
      // OpenAI Apps SDK reference: openai/widgetAccessible (default false) lets the view call tools.
      t.equal(tool._meta['openai/widgetAccessible'], true)
    }
    const playMove = tools.find(tool => tool.name === 'play_move') as Meta
    t.same([playMove._meta['openai/toolInvocation/invoking'], playMove._meta['openai/toolInvocation/invoked']], ['Playing the AI\'s move…', 'Board updated'])
  })

  t.test(`every view says what the hosts read, and never a ui.domain (${revision})`, async t => {
    const { app, views } = await listed(t, { WIDGET_DOMAIN: 'https://tictactoe-widgets.example.com' }, pin)
    t.equal(views.length, app.actions.filter(action => action.view !== undefined).length)
    for (const { listed, read } of views) {
      for (const meta of [listed._meta, read._meta] as Meta[]) {
        // MCP Apps: _meta.ui.csp (domain lists; none: the view fetches nothing) and prefersBorder.
        t.same(meta.ui.csp, { connectDomains: [], resourceDomains: [] })
        t.equal(meta.ui.prefersBorder, true)
        // Claude rejects a ui.domain that is not its own hashed form (laravel/mcp issue 218): none is sent.
        t.notOk('domain' in meta.ui, 'no ui.domain')
        // OpenAI Apps SDK reference, "_meta fields on resources": openai/widgetDescription and openai/widgetDomain.
        t.equal(meta['openai/widgetDescription'], listed.description)
        t.equal(meta['openai/widgetDomain'], 'https://tictactoe-widgets.example.com')
      }
      t.equal(read.mimeType, 'text/html;profile=mcp-app')
    }
  })
}

t.test('the widget domain is PUBLIC_URL unless WIDGET_DOMAIN says otherwise, and absent with neither', async t => {
  const fromPublicUrl = await listed(t, { PUBLIC_URL: 'http://localhost:3000' }, false)
  t.equal(fromPublicUrl.views[0].read._meta['openai/widgetDomain'], 'http://localhost:3000')
  const neither = await listed(t, {}, false)
  t.notOk('openai/widgetDomain' in neither.views[0].read._meta)
})

t.test('with only an API key, no tool claims "noauth" (no host can send a static key for the person)', async t => {
  const app = await buildApp(t, { API_KEY: 'a-very-secret-key-123' })
  const res = await app.inject({
    method: 'POST',
    url: '/mcp',
    headers: {
      authorization: 'Bearer a-very-secret-key-123',
      accept: 'application/json, text/event-stream'
    },
    payload: { jsonrpc: '2.0', id: 1, method: 'tools/list' }
  })
  for (const tool of res.json().result.tools) {
    t.notOk('securitySchemes' in tool, tool.name)
    t.notOk('securitySchemes' in tool._meta, tool.name)
  }
})

t.test('with sign-in, every tool says oauth2 and the scopes', async t => {
  const app = await buildApp(t, { PUBLIC_URL: 'https://tictactoe.example.com', OAUTH_ISSUER: 'https://issuer.example.com/', OAUTH_SCOPES: 'tictactoe:play' })
  await app.ready()
  t.ok(app.actions.some(action => action.toolName === 'play_move'))
  // The listing is behind sign-in too: read the descriptors from the catalogue the door lists.
  t.equal(app.mcpCatalog.toolList.tools.length, app.actions.length)
  for (const tool of app.mcpCatalog.toolList.tools as Meta[]) {
    t.same(tool.securitySchemes, [{ type: 'oauth2', scopes: ['tictactoe:play'] }], tool.name)
    t.same(tool._meta.securitySchemes, tool.securitySchemes)
  }
})

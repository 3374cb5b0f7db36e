/**
 * The app directories' rules as check:hosts applies them, case by case: each takes what a host
 * would see and names what breaks, with the rule's id (test/e2e/check-hosts.e2e.ts runs them
 * against real servers and a real browser).
 */
import t from 'tap'
import {
  RULES,
  type ViewMeasure,
  contrastRatio,
  effectiveBackground,
  hintJustifications,
  isLargeText,
  parseColor,
  resultRules,
  ruleLines,
  signInRules,
  toolRules,
  transportRules,
  viewMeasureRules,
  viewRules,
  viewUriOf
} from '../src/rules.js'

const rulesOf = (findings: Array<{ rule: string, note?: true }>): string[] => findings.map(finding => `${finding.rule}${finding.note === true ? ' (note)' : ''}`)

t.test('https everywhere but loopback, where plain http is a note', async t => {
  t.same(transportRules(new URL('https://game.example.com/mcp')), [])
  t.same(rulesOf(transportRules(new URL('http://127.0.0.1:3000/mcp'))), ['https (note)'])
  t.same(rulesOf(transportRules(new URL('http://localhost:3000/mcp'))), ['https (note)'])
  t.same(rulesOf(transportRules(new URL('http://127.9.9.9/mcp'))), ['https (note)'])
  t.same(transportRules(new URL('http://game.example.com/mcp')), [{ rule: 'https', what: 'http://game.example.com is not HTTPS' }])
})

t.test('sign-in: none is fine, a static key is not, OAuth must be discoverable and registrable', async t => {
  t.same(signInRules({ status: 200 }), [], 'no sign-in')
  t.same(rulesOf(signInRules({ status: 401, wwwAuthenticate: 'Bearer realm="x"' })), ['no-static-key'])
  t.match(signInRules({ status: 401 })[0].what, 'no WWW-Authenticate')
  const metadata = { resource: 'https://game.example.com/mcp', authorization_servers: ['https://issuer.example.com'] }
  const server = { registration_endpoint: 'https://issuer.example.com/reg', code_challenge_methods_supported: ['S256'] }
  const challenge = 'Bearer resource_metadata="https://game.example.com/.well-known/oauth-protected-resource/mcp"'
  t.same(signInRules({ status: 401, wwwAuthenticate: challenge, resourceMetadata: metadata, authorizationServer: server }), [])
  t.same(signInRules({
    status: 401,
    wwwAuthenticate: challenge,
    resourceMetadata: metadata,
    authorizationServer: { client_id_metadata_document_supported: true, code_challenge_methods_supported: ['S256'] }
  }), [], 'client ID metadata documents')
  const whats = (probe: Parameters<typeof signInRules>[0]): string[] => signInRules(probe).map(finding => finding.what)
  t.same(whats({ status: 401, wwwAuthenticate: 'Bearer', resourceMetadata: metadata, authorizationServer: server }),
    ['the 401\'s WWW-Authenticate does not name resource_metadata'])
  t.same(whats({ status: 401, resourceMetadata: metadata, authorizationServer: server }), ['the 401\'s WWW-Authenticate does not name resource_metadata'])
  t.same(whats({ status: 200, resourceMetadata: { authorization_servers: [] }, authorizationServer: {} }), [
    'the protected resource metadata lists no authorization_servers',
    'the authorization server offers neither dynamic client registration (registration_endpoint) nor client ID metadata documents ' +
      '(client_id_metadata_document_supported)',
    'the authorization server does not list S256 in code_challenge_methods_supported'
  ])
  t.same(whats({ status: 200, resourceMetadata: metadata }), ['the authorization server\'s metadata could not be read'])
  t.same(whats({ status: 200, resourceMetadata: metadata, authorizationServerProblem: 'no metadata' }),
    ['the authorization server\'s metadata could not be read: no metadata'])
  t.ok(signInRules({ status: 401 }).every(finding => finding.rule in RULES))
})

t.test('tools: the three hints, names and status lines of 64 characters, securitySchemes as the sign-in is', async t => {
  const good = {
    name: 'play_move',
    annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false },
    securitySchemes: [{ type: 'noauth' }],
    _meta: { securitySchemes: [{ type: 'noauth' }], 'openai/toolInvocation/invoking': 'Playing…', 'openai/toolInvocation/invoked': 'Played' }
  }
  t.same(toolRules([good], 'none', '2025'), [])
  t.same(toolRules([{ ...good, securitySchemes: undefined, _meta: {} }], 'oauth', '2025'), [], 'no scheme said: nothing to disagree with')
  const long = 'n'.repeat(80)
  t.same(toolRules([{ name: long, annotations: { readOnlyHint: true }, _meta: { 'openai/toolInvocation/invoked': 'd'.repeat(65) } }], 'none', '2026-07-28'), [
    { rule: 'annotations', what: `${'n'.repeat(69)}… lacks destructiveHint, openWorldHint`, where: '2026-07-28' },
    { rule: 'tool-name', what: `${'n'.repeat(69)}…: the name has 80 characters`, where: '2026-07-28' },
    { rule: 'status-lines', what: `${'n'.repeat(69)}…: the invoked line has 65 characters`, where: '2026-07-28' }
  ])
  t.same(toolRules([{ name: 'x' }], 'none', '2025'), [{ rule: 'annotations', what: 'x lacks readOnlyHint, destructiveHint, openWorldHint', where: '2025' }])
  const oauth = { ...good, securitySchemes: [{ type: 'oauth2', scopes: ['a'] }], _meta: { securitySchemes: [{ type: 'oauth2', scopes: ['a'] }] } }
  t.same(toolRules([oauth], 'oauth', '2025'), [])
  t.same(toolRules([{ ...oauth, securitySchemes: undefined }], 'oauth', '2025'), [], 'the _meta mirror alone is read')
  t.same(toolRules([good], 'oauth', '2025').map(finding => finding.what), ['play_move says noauth while the server asks for OAuth'])
  t.same(toolRules([oauth], 'none', '2025').map(finding => finding.what),
    ['play_move asks for OAuth, which the server does not publish (no protected resource metadata)'])
  t.same(toolRules([{ ...oauth, securitySchemes: [{ type: 'oauth2' }, { type: 'noauth' }], _meta: {} }], 'none', '2025'), [], 'optional sign-in')
  t.same(toolRules([{ ...good, securitySchemes: [{ type: 'noauth' }], _meta: { securitySchemes: ['noauth'] } }], 'none', '2025').map(finding => finding.what),
    ['play_move: securitySchemes and _meta.securitySchemes differ'])
})

t.test('a tool\'s view, under any key a host reads', async t => {
  t.equal(viewUriOf({ _meta: { ui: { resourceUri: 'ui://a' } } }), 'ui://a')
  t.equal(viewUriOf({ _meta: { 'ui/resourceUri': 'ui://b' } }), 'ui://b')
  t.equal(viewUriOf({ _meta: { 'openai/outputTemplate': 'ui://c' } }), 'ui://c')
  t.equal(viewUriOf({ _meta: { ui: {} } }), undefined)
  t.equal(viewUriOf({}), undefined)
})

t.test('views: CSP, border, description, ChatGPT\'s widget domain, and no ui.domain', async t => {
  const good = { ui: { csp: {}, prefersBorder: true }, 'openai/widgetDescription': 'A board.', 'openai/widgetDomain': 'https://game.example.com' }
  t.same(viewRules('ui://v', good, undefined, false), [])
  t.same(viewRules('ui://v', { ui: {} }, good, false), [], 'the content\'s _meta is enough')
  t.same(viewRules('ui://v', undefined, {
    'openai/widgetCSP': {},
    'openai/widgetPrefersBorder': false,
    'openai/widgetDescription': 'x',
    'openai/widgetDomain': 'https://a.example.com/'
  }, false), [], 'ChatGPT\'s aliases count')
  t.same(viewRules('ui://v', { ui: { domain: 'x.example.com' }, 'openai/widgetDescription': ' ', 'openai/widgetDomain': 'http://a.example.com' }, undefined, false), [
    { rule: 'view-csp', what: 'ui://v declares no CSP' },
    { rule: 'view-border', what: 'ui://v says nothing of a border (prefersBorder)' },
    { rule: 'view-description', what: 'ui://v has no widget description' },
    { rule: 'widget-domain', what: 'ui://v: openai/widgetDomain "http://a.example.com" is not an https origin' },
    { rule: 'no-ui-domain', what: 'ui://v sets ui.domain "x.example.com"' }
  ])
  t.same(rulesOf(viewRules('ui://v', { ...good, 'openai/widgetDomain': undefined }, undefined, true)), ['widget-domain (note)'], 'a local try names no domain')
})

t.test('a tool result under 150,000 characters', async t => {
  t.same(resultRules('t', { content: [{ type: 'text', text: 'x' }] }), [])
  t.same(rulesOf(resultRules('t', { content: [{ type: 'text', text: 'x'.repeat(150_000) }] })), ['result-size'])
})

t.test('colours: parsed as browsers give them, composited, and compared as WCAG does', async t => {
  t.same(parseColor('rgb(1, 2, 3)'), { r: 1, g: 2, b: 3, a: 1 })
  t.same(parseColor('rgba(1, 2, 3, 0.5)'), { r: 1, g: 2, b: 3, a: 0.5 })
  t.same(parseColor('rgb(1 2 3 / 50%)'), { r: 1, g: 2, b: 3, a: 0.5 })
  t.equal(parseColor('color(srgb 1 0 0)'), undefined)
  const black = { r: 0, g: 0, b: 0, a: 1 }
  const white = { r: 255, g: 255, b: 255, a: 1 }
  t.equal(contrastRatio(black, white), 21)
  t.equal(contrastRatio(white, black), 21)
  t.equal(Math.round(contrastRatio({ r: 118, g: 118, b: 118, a: 1 }, white) * 100) / 100, 4.54, '#767676 on white, the lightest AA grey')
  t.same(effectiveBackground(['rgba(0, 0, 0, 0)', 'rgb(10, 20, 30)'], 'rgb(255, 255, 255)'), { r: 10, g: 20, b: 30, a: 1 })
  t.same(effectiveBackground(['rgba(0, 0, 0, 0.5)'], 'rgb(255, 255, 255)'), { r: 127.5, g: 127.5, b: 127.5, a: 1 })
  t.same(effectiveBackground([], 'transparent'), white, 'a page colour that cannot be read is white')
  t.ok(isLargeText(24, 400))
  t.ok(isLargeText(18.66, 700))
  t.notOk(isLargeText(18.66, 400))
  t.notOk(isLargeText(16, 700))
})

t.test('the view as measured: height, nested scrolling, touch targets, contrast', async t => {
  const fine: ViewMeasure = {
    requestedHeights: [300, 420],
    contentHeight: 420,
    frameHeight: 420,
    scrollers: [],
    targets: [{ label: 'cell', width: 44, height: 44 }],
    texts: [{ text: 'Your turn', color: 'rgb(17, 24, 39)', backgrounds: ['rgba(0, 0, 0, 0)', 'rgb(255, 255, 255)'], opacity: 1, fontSize: 16, fontWeight: 600 }]
  }
  t.same(viewMeasureRules(fine, 'ui://v', 'phone, light', 'rgb(255, 255, 255)'), [])
  const bad: ViewMeasure = {
    requestedHeights: [520],
    contentHeight: 700,
    frameHeight: 520,
    scrollers: ['a div ("list") scrolls inside the view'],
    targets: [{ label: 'x', width: 20, height: 20 }, { label: 'ok', width: 48, height: 48 }],
    texts: [
      { text: 'faint', color: 'rgb(200, 200, 200)', backgrounds: [], opacity: 1, fontSize: 14, fontWeight: 400 },
      { text: 'faded', color: 'rgb(0, 0, 0)', backgrounds: [], opacity: 0.2, fontSize: 14, fontWeight: 400 },
      { text: 'large grey', color: 'rgb(140, 140, 140)', backgrounds: [], opacity: 1, fontSize: 24, fontWeight: 400 },
      { text: 'unreadable colour', color: 'color(srgb 0 0 0)', backgrounds: [], opacity: 1, fontSize: 14, fontWeight: 400 }
    ]
  }
  t.same(viewMeasureRules(bad, 'ui://v', 'desktop, dark', 'rgb(255, 255, 255)'), [
    { rule: 'view-height', what: 'ui://v: 700 px tall', where: 'desktop, dark' },
    { rule: 'nested-scroll', what: 'ui://v: a div ("list") scrolls inside the view; the view\'s own document, taller than its frame', where: 'desktop, dark' },
    { rule: 'touch-targets', what: 'ui://v: 1 under 44x44 CSS px: x (20x20)', where: 'desktop, dark' },
    { rule: 'contrast', what: 'ui://v: 2 texts too faint: "faint" 1.67:1 (needs 4.5:1), "faded" 1.61:1 (needs 4.5:1)', where: 'desktop, dark' }
  ], 'large text needs only 3:1')
  t.same(viewMeasureRules({ ...fine, texts: [{ ...fine.texts[0], color: 'rgb(250, 250, 250)' }] }, 'ui://v', 'phone, dark', 'rgb(33, 33, 33)')
    .map(finding => finding.what), ['ui://v: 1 text too faint: "Your turn" 1.04:1 (needs 4.5:1)'])
})

t.test('one line per rule: ✓, ✗ with each way it breaks and where, ~ for notes', async t => {
  t.same(ruleLines('tool-name', []), [`✓ ${RULES['tool-name'].title}`])
  t.same(ruleLines('https', [{ rule: 'https', what: 'plain', note: true }, { rule: 'https', what: 'plain', note: true }]),
    [`~ ${RULES.https.title}`, '    note: plain'])
  t.same(ruleLines('view-height', [
    { rule: 'view-height', what: 'ui://v: 600 px tall', where: 'phone, light' },
    { rule: 'view-height', what: 'ui://v: 600 px tall', where: 'phone, dark' },
    { rule: 'view-height', what: 'ui://v: 520 px tall', where: 'desktop, light' },
    { rule: 'view-csp', what: 'another rule' }
  ]), [`✗ ${RULES['view-height'].title}: ui://v: 600 px tall (phone, light; phone, dark); ui://v: 520 px tall (desktop, light) ` +
    `[view-height; ${RULES['view-height'].source}]`])
  t.same(ruleLines('view-csp', [{ rule: 'view-csp', what: 'ui://v declares no CSP' }, { rule: 'view-csp', what: 'ui://v declares no CSP' }]),
    [`✗ ${RULES['view-csp'].title}: ui://v declares no CSP [view-csp; ${RULES['view-csp'].source}]`], 'the same finding in both revisions, once')
})

t.test('hint justifications: one line per hint, from each tool\'s hints and title', async t => {
  const { tools } = hintJustifications([
    { name: 'play_move', annotations: { title: 'Play', readOnlyHint: true, destructiveHint: false, openWorldHint: false } },
    { name: 'delete_all', title: 'Delete', annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: true } },
    { name: 'bare' }
  ])
  t.same(tools[0], {
    name: 'play_move',
    readOnlyHint: { value: true, justification: 'Play only computes an answer from its arguments: it writes, sends and stores nothing.' },
    destructiveHint: { value: false, justification: 'Play deletes and overwrites nothing.' },
    openWorldHint: { value: false, justification: 'Play reaches nothing outside this service: no web, no other accounts.' }
  })
  t.same(tools[1], {
    name: 'delete_all',
    readOnlyHint: { value: false, justification: 'Delete changes state outside the conversation: say what it writes.' },
    destructiveHint: { value: true, justification: 'Delete can delete or overwrite data: say which.' },
    openWorldHint: { value: true, justification: 'Delete reaches systems outside this service: say which.' }
  })
  t.equal(tools[2].readOnlyHint.justification, 'bare changes state outside the conversation: say what it writes.', 'no title: the name')
})

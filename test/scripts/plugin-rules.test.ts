/**
 * The plugin package's rules: the package npm run plugin writes for this service passes every one,
 * and each rule is broken by a change that breaks it (and no other rule).
 */
import t from 'tap'
import { gameGuide } from '../../routes/human-move/guide.js'
import { type PluginFiles, iconSvg, pluginFiles, skillNameOf } from '../../scripts/plugin-package.js'
import { type Deployment, LIMITS, type RuleId, hexColor, imageSize, pluginRules } from '../../scripts/plugin-rules.js'
import { ACTIONS, PLUGIN_URL, SETTINGS, png } from '../plugin-fixture.js'

const URL_ = PLUGIN_URL
const TOOL = { name: 'play_move', annotations: { readOnlyHint: true, destructiveHint: false, openWorldHint: false } }
const DEPLOYMENT: Deployment = {
  tools: [TOOL],
  pages: { '/privacy': { status: 200, type: 'text/html; charset=utf-8' }, '/terms': { status: 200, type: 'text/html' } }
}

const good = (): PluginFiles => pluginFiles(SETTINGS, ACTIONS, [png(706, 500), png(706, 400), png(706, 860)], 2026)
const manifestOf = (files: PluginFiles) => JSON.parse(files.get('plugin.json') as string)
const faceOf = (manifest: any) => manifest.extensions['com.openai'].interface
const rulesOf = (files: PluginFiles, deployment = DEPLOYMENT): RuleId[] => [...new Set(pluginRules(files, URL_, deployment).map(finding => finding.rule))]

/** The good package with its manifest changed by `change`. */
function withManifest (change: (manifest: any) => void): PluginFiles {
  const files = good()
  const manifest = manifestOf(files)
  change(manifest)
  files.set('plugin.json', JSON.stringify(manifest))
  return files
}

t.test('the package written for this service passes every rule', async t => {
  const files = good()
  t.same(pluginRules(files, URL_, DEPLOYMENT), [])
  t.same([...files.keys()].sort(), [
    '.claude-plugin/plugin.json', '.mcp.json', 'LICENSE', 'README.md', 'assets/icon-dark.svg', 'assets/icon.svg', 'assets/logo-dark.svg', 'assets/logo.svg',
    'assets/screenshot-1.png', 'assets/screenshot-2.png', 'assets/screenshot-3.png', 'mcp.json', 'plugin.json', 'skills/play-move/SKILL.md'
  ])
  const face = faceOf(manifestOf(files))
  t.same(face.defaultPrompt, gameGuide.starters.slice(0, 3), 'the game\'s first three starters')
  t.equal(face.privacyPolicyURL, `${URL_}/privacy`)
  t.equal(face.termsOfServiceURL, `${URL_}/terms`)
  t.match(files.get('skills/play-move/SKILL.md'), gameGuide.instructions('play_move'), 'the skill is the action\'s instructions over the tool\'s name')
  t.match(files.get('LICENSE'), 'Copyright (c) 2026 Example Games')
  t.same(JSON.parse(files.get('.mcp.json') as string), { mcpServers: { 'tic-tac-toe': { type: 'http', url: `${URL_}/mcp` } } })
})

const breaks: Array<[RuleId, string, () => PluginFiles, Deployment?]> = [
  ['manifest-schema', 'an unknown top-level field', () => withManifest(manifest => { manifest.displayName = 'Tic-tac-toe' })],
  ['manifest-schema', 'a name with capitals', () => withManifest(manifest => { manifest.name = 'Tic-Tac-Toe' })],
  ['manifest-schema', 'another $schema', () => withManifest(manifest => { manifest.$schema = 'https://agent-plugins.org/schemas/1.1.0/plugin.schema.json' })],
  ['manifest-schema', 'no plugin.json', () => { const files = good(); files.delete('plugin.json'); return files }],
  ['manifest-schema', 'plugin.json that is not JSON', () => { const files = good(); files.set('plugin.json', new TextEncoder().encode('{')); return files }],
  ['interface-text', 'a display name of 31 characters', () => withManifest(manifest => { faceOf(manifest).displayName = 'x'.repeat(31) })],
  ['interface-text', 'no developer name', () => withManifest(manifest => { delete faceOf(manifest).developerName })],
  ['interface-text', 'no category', () => withManifest(manifest => { faceOf(manifest).category = '' })],
  ['interface-text', '21 capabilities', () => withManifest(manifest => { faceOf(manifest).capabilities = Array(21).fill('Interactive') })],
  ['interface-text', 'a capability of 121 characters', () => withManifest(manifest => { faceOf(manifest).capabilities = ['x'.repeat(121)] })],
  ['interface-urls', 'an http website', () => withManifest(manifest => { faceOf(manifest).websiteURL = 'http://tictactoe.example.com' })],
  ['interface-urls', 'a support URL that is no URL', () => withManifest(manifest => { faceOf(manifest).supportURL = 'ask us' })],
  ['interface-urls', 'no terms', () => withManifest(manifest => { delete faceOf(manifest).termsOfServiceURL })],
  ['interface-urls', 'a privacy policy elsewhere', () => withManifest(manifest => { faceOf(manifest).privacyPolicyURL = 'https://example.com/privacy' })],
  ['default-prompts', 'no default prompt', () => withManifest(manifest => { faceOf(manifest).defaultPrompt = []; faceOf(manifest).screenshots = [] })],
  ['default-prompts', 'a prompt twice', () => withManifest(manifest => { faceOf(manifest).defaultPrompt = ['Play', 'Play', 'Go'] })],
  ['default-prompts', 'a prompt of 129 characters', () => withManifest(manifest => { faceOf(manifest).defaultPrompt = ['x'.repeat(129), 'a', 'b'] })],
  ['default-prompts', 'an @mention', () => withManifest(manifest => { faceOf(manifest).defaultPrompt = ['Ask @chess for a move', 'a', 'b'] })],
  ['brand-colors', 'a light colour on white', () => withManifest(manifest => { faceOf(manifest).brandColor = '#EEEEEE' })],
  ['brand-colors', 'a dark colour on #212121', () => withManifest(manifest => { faceOf(manifest).brandColorDark = '#303030' })],
  ['brand-colors', 'a colour that is no #RRGGBB', () => withManifest(manifest => { faceOf(manifest).brandColor = 'blue' })],
  ['icons', 'a logo outside the package', () => withManifest(manifest => { faceOf(manifest).logo = 'https://example.com/logo.png' })],
  ['icons', 'a missing composer icon', () => withManifest(manifest => { faceOf(manifest).composerIcon = './assets/none.svg' })],
  ['icons', 'a logo that is no image', () => { const files = good(); files.set('assets/logo.svg', 'not an image'); return files }],
  ['icons', 'a logo that is not square', () => {
    const files = good()
    files.set('assets/logo.svg', iconSvg('#FFFFFF', '#2F5FD0').replace('height="256"', 'height="200"'))
    return files
  }],
  ['icons', 'a 32 px icon', () => { const files = good(); files.set('assets/icon.svg', png(32, 32)); return files }],
  ['icons', 'an icon over 5 MiB', () => {
    const files = good()
    files.set('assets/icon.svg', Buffer.concat([Buffer.from(png(64, 64)), Buffer.alloc(LIMITS.assetBytes)]))
    return files
  }],
  ['screenshots', 'one screenshot too few', () => withManifest(manifest => { faceOf(manifest).screenshots.pop() })],
  ['screenshots', 'a screenshot 700 px wide', () => { const files = good(); files.set('assets/screenshot-1.png', png(700, 500)); return files }],
  ['screenshots', 'a screenshot 900 px tall', () => { const files = good(); files.set('assets/screenshot-2.png', png(706, 900)); return files }],
  ['screenshots', 'a screenshot that is no image', () => {
    const files = good()
    files.set('assets/screenshot-3.png', png(706, 500).slice(0, 12))
    return files
  }],
  ['review-cases', 'four positive cases', () => withManifest(manifest => { manifest.extensions['com.openai'].review.test_cases.positive.pop() })],
  ['review-cases', 'two negative cases', () => withManifest(manifest => { manifest.extensions['com.openai'].review.test_cases.negative.pop() })],
  ['review-cases', 'a case with no expected behaviour', () => withManifest(manifest => {
    delete manifest.extensions['com.openai'].review.test_cases.positive[0].expected_behavior
  })],
  ['review-cases', 'a case that triggers no tool', () => withManifest(manifest => {
    manifest.extensions['com.openai'].review.test_cases.positive[1].tools_triggered = []
  })],
  ['review-cases', 'a case that triggers an unknown tool', () => withManifest(manifest => {
    manifest.extensions['com.openai'].review.test_cases.positive[2].tools_triggered = ['chess']
  })],
  ['review-cases', 'a negative case with no prompt', () => withManifest(manifest => { manifest.extensions['com.openai'].review.test_cases.negative[0] = {} })],
  ['review-cases', 'no review at all', () => withManifest(manifest => { delete manifest.extensions['com.openai'].review })],
  ['no-secrets', 'reviewer credentials', () => withManifest(manifest => { manifest.extensions['com.openai'].review.test_credentials = { user: 'x' } })],
  ['no-secrets', 'an app reference', () => { const files = good(); files.set('.app.json', '{}'); return files }],
  ['no-secrets', 'hooks', () => { const files = good(); files.set('hooks/hooks.json', '{}'); return files }],
  ['mcp-schema', 'no mcp.json', () => { const files = good(); files.delete('mcp.json'); return files }],
  ['mcp-schema', 'another $schema and a field a server does not have', () => {
    const files = good()
    files.set('mcp.json', JSON.stringify({ $schema: 'x', mcpServers: { a: { type: 'streamable-http', url: `${URL_}/mcp`, timeout: 5 } } }))
    return files
  }],
  ['one-server', 'two servers', () => {
    const files = good()
    const mcp = JSON.parse(files.get('mcp.json') as string)
    mcp.mcpServers.other = { type: 'streamable-http', url: `${URL_}/mcp` }
    files.set('mcp.json', JSON.stringify(mcp))
    return files
  }],
  ['one-server', 'another URL, with headers', () => {
    const files = good()
    const mcp = JSON.parse(files.get('mcp.json') as string)
    mcp.mcpServers['tic-tac-toe'] = { type: 'streamable-http', url: 'https://elsewhere.example.com/mcp', headers: { authorization: 'Bearer k' } }
    files.set('mcp.json', JSON.stringify(mcp))
    return files
  }],
  ['skills', 'no skill', () => { const files = good(); files.delete('skills/play-move/SKILL.md'); return files }],
  ['skills', 'a skill without frontmatter', () => { const files = good(); files.set('skills/play-move/SKILL.md', 'Play.'); return files }],
  ['skills', 'frontmatter that is no YAML map', () => { const files = good(); files.set('skills/play-move/SKILL.md', '---\n- a\n---\nPlay.'); return files }],
  ['skills', 'a name that is not its folder\'s, and a field of its own', () => {
    const files = good()
    files.set('skills/play-move/SKILL.md', '---\nname: Play_Move\ndescription: Play.\nicon: x\n---\nPlay.')
    return files
  }],
  ['skills', 'a description of 1,025 characters', () => {
    const files = good()
    files.set('skills/play-move/SKILL.md', `---\nname: play-move\ndescription: ${'x'.repeat(1025)}\n---\nPlay.`)
    return files
  }],
  ['skills', 'a body of 500 lines', () => {
    const files = good()
    files.set('skills/play-move/SKILL.md', `---\nname: play-move\ndescription: Play.\n---\n${'line\n'.repeat(500)}`)
    return files
  }],
  ['claude-plugin', 'a name with capitals', () => { const files = good(); files.set('.claude-plugin/plugin.json', '{"name":"TicTacToe"}'); return files }],
  ['claude-plugin', 'a server as streamable-http', () => {
    const files = good()
    files.set('.mcp.json', JSON.stringify({ mcpServers: { a: { type: 'streamable-http', url: `${URL_}/mcp` } } }))
    return files
  }],
  ['readme-license', 'no README', () => { const files = good(); files.delete('README.md'); return files }],
  ['annotations', 'a tool without its hints', good, { ...DEPLOYMENT, tools: [{ name: 'play_move', annotations: { readOnlyHint: true } }] }],
  ['annotations', 'a server that does not answer', good, { ...DEPLOYMENT, tools: undefined }],
  ['pages', 'no terms page', good, { ...DEPLOYMENT, pages: { ...DEPLOYMENT.pages, '/terms': { status: 404, type: 'application/json' } } }],
  ['pages', 'a privacy page that does not answer', good, { ...DEPLOYMENT, pages: { ...DEPLOYMENT.pages, '/privacy': undefined } }]
]

for (const [rule, what, files, deployment] of breaks) {
  t.test(`${rule}: ${what}`, async t => {
    const broken = rulesOf(files(), deployment)
    t.ok(broken.includes(rule), `breaks ${rule} (got ${broken.join(', ') || 'nothing'})`)
    // Without a manifest there is nothing to read the rest from; review cases name the server's
    // tools, so a deployment that does not answer breaks them too.
    const noManifest = what.startsWith('plugin.json') || what === 'no plugin.json'
    const follows = (other: RuleId): boolean => noManifest || (rule === 'annotations' && other === 'review-cases')
    t.same(broken.filter(other => other !== rule && !follows(other)), [], 'and nothing else')
  })
}

t.test('sizes and colours as the rules read them', async t => {
  t.same(imageSize(png(706, 500)), { format: 'png', width: 706, height: 500 })
  t.same(imageSize(new TextEncoder().encode(iconSvg('#FFFFFF', null))), { format: 'svg', width: 256, height: 256 })
  t.same(imageSize(new TextEncoder().encode('<svg viewBox="0 0 10 10"></svg>')), { format: 'svg', width: Number.NaN, height: Number.NaN })
  t.equal(imageSize(png(706, 500).slice(0, 20)), undefined, 'a cut PNG')
  t.same(hexColor('#2F5FD0'), { r: 47, g: 95, b: 208, a: 1 })
  t.equal(hexColor('#2F5FD'), undefined)
  t.equal(skillNameOf('play_move'), 'play-move')
  t.equal(skillNameOf('_Roll__Die_'), 'roll-die')
})

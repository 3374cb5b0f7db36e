import t from 'tap'
import { gameGuide } from '../../../routes/human-move/guide.js'
import { buildApp } from '../../helper.js'

const PUBLIC = { PUBLIC_URL: 'https://tictactoe.example.com' }

t.test('GET / is the setup page: import URL, privacy URL, auth, instructions and starters', async t => {
  const app = await buildApp(t, PUBLIC)
  const res = await app.inject('/')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], 'text/html')
  t.match(res.body, 'value="https://tictactoe.example.com/openapi.json"')
  t.match(res.body, 'value="https://tictactoe.example.com/privacy"')
  t.match(res.body, 'Choose <b>None</b>')
  const instructions = gameGuide.instructions('humanMove')
  t.match(res.body, instructions.split('\n')[0].replaceAll("'", '&#39;'), 'the game\'s instructions, over the GPT\'s name for the action')
  t.notMatch(res.body, 'play_move with', 'not the MCP tool\'s')
  for (const starter of gameGuide.starters) t.match(res.body, starter.replaceAll("'", '&#39;'))
  t.match(res.body, '<script src="/assets/copy.js"></script>')
  t.ok(instructions.length < 8000, 'instructions fit the GPT editor')
})

t.test('with API_KEY the setup page tells the builder to choose API Key / Bearer', async t => {
  const app = await buildApp(t, { ...PUBLIC, API_KEY: 'a-very-secret-key-123' })
  const res = await app.inject('/')
  t.match(res.body, 'Auth Type <b>Bearer</b>')
  t.notMatch(res.body, 'a-very-secret-key-123')
  t.equal((await app.inject({ url: '/', headers: { accept: 'application/json' } })).json().auth, 'bearer')
})

t.test('GET / answers JSON when asked for JSON', async t => {
  const app = await buildApp(t, PUBLIC)
  const res = await app.inject({ url: '/', headers: { accept: 'application/json' } })
  t.same(res.json(), {
    name: 'tictactoe-gpt-action',
    version: '1.0.0',
    description: 'A perfect tic-tac-toe opponent served as a GPT action and an MCP tool, on Fastify.',
    links: {
      openapi: 'https://tictactoe.example.com/openapi.json',
      mcp: 'https://tictactoe.example.com/mcp',
      docs: 'https://tictactoe.example.com/docs',
      privacy: 'https://tictactoe.example.com/privacy',
      health: 'https://tictactoe.example.com/health'
    },
    auth: 'none'
  })
})

t.test('GET /privacy is a real policy page, and JSON on request', async t => {
  const app = await buildApp(t, { ...PUBLIC, CONTACT: 'privacy@example.com' })
  const html = await app.inject('/privacy')
  t.equal(html.statusCode, 200)
  t.match(html.headers['content-type'], 'text/html')
  for (const heading of ['What it receives', 'What chat hosts send', 'What it logs', 'How long', 'Personal data', 'Contact']) {
    t.match(html.body, `<h2>${heading}</h2>`)
  }
  const sent = ['openai/subject', 'session', 'locale', 'user agent', 'coarse location', 'Claude sends no user identifier']
  sent.push('count that person', 'for one minute')
  for (const text of sent) t.match(html.body, text)
  t.match(html.body, '<a href="mailto:privacy@example.com">privacy@example.com</a>')
  const json = (await app.inject({ url: '/privacy', headers: { accept: 'application/json' } })).json()
  t.same(Object.keys(json), ['service', 'received', 'chat_hosts', 'logged', 'retention', 'personal_data', 'contact'])
  t.equal(json.contact, 'privacy@example.com')
})

t.test('the privacy contact: a URL is a link, nothing set names the operator of the host', async t => {
  const withUrl = await buildApp(t, { ...PUBLIC, CONTACT: 'https://example.com/contact' })
  t.match((await withUrl.inject('/privacy')).body, '<a href="https://example.com/contact">')
  const unset = await buildApp(t, PUBLIC)
  t.match((await unset.inject('/privacy')).body, '<h2>Contact</h2><p>the operator of tictactoe.example.com</p>')
  const plain = await buildApp(t, { ...PUBLIC, CONTACT: 'Jo <the team>' })
  t.match((await plain.inject('/privacy')).body, '<p>Jo &lt;the team&gt;</p>', 'escaped')
})

t.test('the copy script is served as a file the CSP of the pages allows', async t => {
  const app = await buildApp(t)
  const res = await app.inject('/assets/copy.js')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], 'text/javascript')
  t.match(res.body, 'data-copy')
  t.equal(res.headers['cache-control'], 'public, max-age=3600', 'a file that changes only with a release')
  t.match((await app.inject('/')).body, '<script src="/assets/copy.js"')
  t.match((await app.inject('/')).headers['content-security-policy'], "script-src 'self'")
})

t.test('GET /health', async t => {
  const app = await buildApp(t)
  const res = await app.inject('/health')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
})

t.test('GET /terms: the terms of use, as HTML or JSON, with the contact', async t => {
  const app = await buildApp(t, { CONTACT: 'games@example.com' })
  const html = await app.inject('/terms')
  t.equal(html.statusCode, 200)
  t.match(html.headers['content-type'], 'text/html')
  t.match(html.body, '<h1>Terms of use</h1>')
  t.match(html.body, '<a href="mailto:games@example.com">')
  t.match(html.body, '<a href="/privacy">/privacy</a>')
  const json = await app.inject({ url: '/terms', headers: { accept: 'application/json' } })
  t.match(json.json(), { service: 'Tic-tac-toe opponent', contact: 'games@example.com' })
})

t.test('GET /.well-known/openai-apps-challenge: the directory\'s token as plain text when set, else 404', async t => {
  const unset = await buildApp(t)
  t.equal((await unset.inject('/.well-known/openai-apps-challenge')).statusCode, 404)
  const app = await buildApp(t, { OPENAI_APPS_CHALLENGE: 'abc123-token' })
  const res = await app.inject('/.well-known/openai-apps-challenge')
  t.equal(res.statusCode, 200)
  t.equal(res.body, 'abc123-token')
  t.match(res.headers['content-type'], /^text\/plain/)
})

t.test('the setup page says when ChatGPT cannot reach the address it gives, and how to try it through a tunnel', async t => {
  const local = await buildApp(t)
  const warned = await local.inject({ url: '/', headers: { host: '127.0.0.1:3000' } })
  t.match(warned.body, '<b>ChatGPT cannot reach http://127.0.0.1:3000.</b>')
  t.match(warned.body, 'cloudflared tunnel --url http://127.0.0.1:3000')
  const deployed = await buildApp(t, { PUBLIC_URL: 'https://tictactoe.example.com' })
  t.notMatch((await deployed.inject('/')).body, 'cannot reach', 'not on a public https address')
  const { reachableByChatGpt } = await import('../../../routes/pages/setup-page.js')
  for (const base of ['http://tictactoe.example.com', 'https://localhost', 'https://10.0.0.5', 'https://192.168.1.2:8443', 'https://172.20.0.3',
    'https://[::1]:3000', 'https://[fd00::1]', 'https://myhost', 'https://printer.local']) t.notOk(reachableByChatGpt(base), base)
  for (const base of ['https://tictactoe.example.com', 'https://172.32.0.1', 'https://[2001:db8::1]']) t.ok(reachableByChatGpt(base), base)
})

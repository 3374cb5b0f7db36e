/** GET /health: 200 while the service takes requests, 503 with Retry-After once it drains. */
import t from 'tap'
import { buildApp } from '../../helper.js'

t.test('ok, then draining from the stop signal on', async t => {
  const app = await buildApp(t)
  const before = await app.inject('/health')
  t.equal(before.statusCode, 200)
  t.same(before.json(), { status: 'ok' })
  app.drain()
  const during = await app.inject('/health')
  t.equal(during.statusCode, 503)
  t.equal(during.headers['retry-after'], '5')
  t.same(during.json(), { status: 'draining' })
})

t.test('hidden from the GPT\'s document', async t => {
  const app = await buildApp(t)
  const document = (await app.inject('/openapi.json')).json()
  t.notOk('/health' in document.paths)
})

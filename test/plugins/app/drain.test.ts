import { get } from 'node:http'
import t from 'tap'
import { buildApp } from '../../helper.js'

function fetchRaw (url: string): Promise<{ status: number, connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false, headers: { connection: 'keep-alive' } }, res => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode as number, connection: res.headers.connection }))
    }).on('error', reject)
  })
}

t.test('draining: /health 503, every answer closes its connection; before it, keep-alive', async t => {
  const app = await buildApp(t)
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  t.same(await fetchRaw(`${address}/health`), { status: 200, connection: 'keep-alive' })
  t.equal(app.draining, false)
  app.drain()
  app.drain()
  t.equal(app.draining, true)
  t.equal(app.server.listeners('request').length, 2, 'drain twice is drain once')
  t.same(await fetchRaw(`${address}/health`), { status: 503, connection: 'close' })
  t.same(await fetchRaw(`${address}/human_move?ai_player=X`), { status: 200, connection: 'close' })
  t.same((await app.inject('/health')).json(), { status: 'draining' })
})

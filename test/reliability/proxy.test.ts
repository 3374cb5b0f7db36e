/**
 * Real clients behind a real proxy: each client keeps its own allowance with every TRUST_PROXY form
 * the README documents. The clients connect from distinct loopback addresses (127.0.0.2, ...); the
 * proxy forwards their calls from 127.0.0.1, adding X-Forwarded-For as proxies do: appended to what
 * the client sent (Cloud Run's front end, ingress controllers, nginx's $proxy_add_x_forwarded_for),
 * or replacing it (this project's deploy/nginx.conf).
 */
import { type IncomingMessage, createServer, request } from 'node:http'
import { once } from 'node:events'
import t, { type Test } from 'tap'
import { buildApp } from '../helper.js'

type Forwarding = 'append' | 'replace'

/** A forwarding proxy on 127.0.0.1 in front of `target`. */
async function proxy (t: Test, target: number, forwarding: Forwarding): Promise<number> {
  const server = createServer((incoming, outgoing) => {
    const client = incoming.socket.remoteAddress as string
    const sent = incoming.headers['x-forwarded-for']
    const forwardedFor = forwarding === 'append' && sent !== undefined ? `${String(sent)}, ${client}` : client
    const upstream = request(
      { host: '127.0.0.1', port: target, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, 'x-forwarded-for': forwardedFor } },
      answer => {
        outgoing.writeHead(answer.statusCode as number, answer.headers)
        answer.pipe(outgoing)
      }
    )
    incoming.pipe(upstream)
  }).listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => server.close())
  return (server.address() as { port: number }).port
}

async function play (port: number, from: string, headers: Record<string, string> = {}): Promise<number> {
  const req = request({ host: '127.0.0.1', port, localAddress: from, path: '/human_move?ai_player=X', headers, agent: false })
  req.end()
  const [answer] = await once(req, 'response') as [IncomingMessage]
  answer.resume()
  return answer.statusCode as number
}

const FORMS = ['1', '127.0.0.1', '127.0.0.1/32', 'true']

for (const forwarding of ['append', 'replace'] as const) {
  t.test(`three clients behind one proxy (${forwarding}s X-Forwarded-For): each its own allowance, with every TRUST_PROXY form`, async t => {
    for (const trust of FORMS) {
      const app = await buildApp(t, { RATE_LIMIT_MAX: '2', TRUST_PROXY: trust })
      await app.listen({ host: '127.0.0.1', port: 0 })
      const port = await proxy(t, (app.server.address() as { port: number }).port, forwarding)
      const codes: Record<string, number[]> = {}
      for (const client of ['127.0.0.2', '127.0.0.3', '127.0.0.4']) {
        codes[client] = []
        for (let call = 0; call < 3; call++) codes[client].push(await play(port, client))
      }
      t.same(codes, { '127.0.0.2': [200, 200, 429], '127.0.0.3': [200, 200, 429], '127.0.0.4': [200, 200, 429] }, `TRUST_PROXY=${trust}`)
      if (forwarding === 'append' && trust !== 'true') {
        // A client that writes its own X-Forwarded-For is still itself: the proxy's entry comes last.
        t.equal(await play(port, '127.0.0.2', { 'x-forwarded-for': '198.51.100.7' }), 429, `TRUST_PROXY=${trust}: a forged entry buys nothing`)
      }
      await app.close()
    }
  })
}

t.test('two proxies in a row (a load balancer before an ingress) with TRUST_PROXY=2: each client its own allowance', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '2', TRUST_PROXY: '2' })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const inner = await proxy(t, (app.server.address() as { port: number }).port, 'append')
  const outer = await proxy(t, inner, 'append')
  for (const client of ['127.0.0.2', '127.0.0.3']) {
    t.same([await play(outer, client), await play(outer, client), await play(outer, client, { 'x-forwarded-for': '198.51.100.7' })], [200, 200, 429], client)
  }
})

t.test('without TRUST_PROXY, every client behind the proxy is the proxy', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '2' })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = await proxy(t, (app.server.address() as { port: number }).port, 'append')
  t.same([await play(port, '127.0.0.2'), await play(port, '127.0.0.3'), await play(port, '127.0.0.4')], [200, 200, 429])
})

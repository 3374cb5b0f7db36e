import t from 'tap'
import { serverOptions } from '../app.js'
import { terminalLog } from '../lib/logging.js'
import { loadConfig } from '../plugins/config.js'
import { buildApp } from './helper.js'

t.test('readable logs only when a person watches a terminal', async t => {
  const pretty = await terminalLog({ isTTY: true })
  t.ok(pretty !== undefined && typeof pretty.write === 'function', 'pino-pretty for a terminal')
  const options = serverOptions(loadConfig({}), pretty)
  t.equal((options.logger as { stream: unknown }).stream, pretty, 'and the log goes there')
  t.equal(await terminalLog({ isTTY: false }), undefined, 'JSON lines in a container or a pipe')
  t.equal(await terminalLog({}), undefined)
})

t.test('a route a developer adds still gets Fastify\'s own compilers, loaded when first needed', async t => {
  const app = await buildApp(t)
  app.get(
    '/shaped',
    {
      schema: {
        querystring: { type: 'object', properties: { n: { type: 'integer' } } },
        response: { 200: { type: 'object', properties: { n: { type: 'integer' } } } }
      }
    },
    async request => ({ ...(request.query as object), extra: 'dropped by the serializer' })
  )
  t.same((await app.inject('/shaped?n=3')).json(), { n: 3 }, 'validated (coerced) and serialized by their schemas')
})

t.test('the server options follow the configuration', async t => {
  const options = serverOptions(loadConfig({ TRUST_PROXY: 'true', LOG_LEVEL: 'warn' }))
  t.equal(options.trustProxy, true)
  t.match(options.logger, { level: 'warn', redact: { paths: ['req.headers.authorization'] } })
  t.equal(options.return503OnClosing, false)
  t.same(serverOptions(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.1.0.0/16' })).trustProxy, ['10.0.0.1', '10.1.0.0/16'])
  // A hop count is a function of the hop (Fastify 5.12 reads a bare number as "trust nothing").
  const hops = serverOptions(loadConfig({ TRUST_PROXY: '2' })).trustProxy as (address: string, hop: number) => boolean
  t.same([0, 1, 2, 3].map(hop => hops('10.0.0.1', hop)), [true, true, false, false])
  t.equal(serverOptions(loadConfig({})).trustProxy, false)
})

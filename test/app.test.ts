import t from 'tap'
import { serverOptions } from '../app.js'
import { loadConfig } from '../plugins/config.js'

t.test('readable logs only when a person watches a terminal', async t => {
  const config = loadConfig({})
  const tty = process.stdout.isTTY
  t.teardown(() => { process.stdout.isTTY = tty })
  process.stdout.isTTY = true
  t.match(serverOptions(config).logger, { transport: { target: 'pino-pretty' } })
  process.stdout.isTTY = false
  t.notOk((serverOptions(config).logger as Record<string, unknown>).transport, 'JSON lines in a container or a pipe')
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

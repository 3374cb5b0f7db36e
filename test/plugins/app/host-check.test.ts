import t from 'tap'
import { loadConfig } from '../../../plugins/config.js'
import { allowedHosts, isLoopback } from '../../../plugins/app/host-check.js'

t.test('loopback addresses', async t => {
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) t.ok(isLoopback(host), host)
  for (const host of ['0.0.0.0', '10.0.0.1', '::', 'game.example.com', '127.example.com']) t.notOk(isLoopback(host), host)
})

t.test('the hosts the MCP door answers to', async t => {
  t.same(allowedHosts(loadConfig({})), ['localhost', '127.0.0.1', '[::1]'])
  t.same(allowedHosts(loadConfig({ HOST: '0.0.0.0' })), [])
  t.same(allowedHosts(loadConfig({ HOST: '::', PUBLIC_URL: 'https://Game.Example.com', ALLOWED_HOSTS: ' a.example.com, [fd00::1] ' })),
    ['game.example.com', 'a.example.com', '[fd00::1]'])
})

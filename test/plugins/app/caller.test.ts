/**
 * Who calls, as plugins/app/caller.ts works it out: from the player id a door hands over, the
 * credentials and the address, once per request.
 */
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { HOST_PLAYER_HEADER, KEY_ID_MAX, playerIdOf, readPlayerHeader } from '../../../plugins/app/caller.js'
import { buildApp } from '../../helper.js'

/** The app with a route that answers who calls, as the GPT door reads its header. */
async function withWho (env: Record<string, string>): Promise<FastifyInstance> {
  const app = await buildApp(t, env)
  app.get('/who', { onRequest: readPlayerHeader, config: { rateLimit: false } }, async request => {
    const first = app.callerOf(request)
    // Asked again, after the request has changed: the same caller.
    request.hostId = 'someone-else'
    return { first, again: app.callerOf(request) === first }
  })
  return app
}

const who = async (app: FastifyInstance, id?: string) =>
  (await app.inject({ url: '/who', headers: id === undefined ? {} : { [HOST_PLAYER_HEADER]: id } })).json()

t.test('a player id as a door hands it over: a non-empty text, cut to 200 characters', async t => {
  t.equal(playerIdOf('alice'), 'alice')
  t.equal(playerIdOf(''), null)
  t.equal(playerIdOf(42), null)
  t.equal(playerIdOf(undefined), null)
  t.equal(playerIdOf('x'.repeat(300))?.length, 200)
})

t.test('from a trusted network: the id is the player; no id, everyone behind the address', async t => {
  const app = await withWho({ TRUSTED_NETWORKS: '127.0.0.1/32' })
  t.same((await who(app, 'alice')).first,
    { kind: 'player', address: '127.0.0.1', hostId: 'alice', playKey: 'user:alice', clientKey: 'user:alice', refusedKey: 'user:alice' })
  t.same((await who(app)).first,
    { kind: 'shared', address: '127.0.0.1', playKey: 'shared:127.0.0.1', clientKey: 'shared:127.0.0.1', refusedKey: 'shared:127.0.0.1' })
})

t.test('with the API key the id is believed, but its refusals are the address\'s', async t => {
  const app = await withWho({ API_KEY: 'k'.repeat(32) })
  const caller = (await app.inject({ url: '/who', headers: { [HOST_PLAYER_HEADER]: 'alice', authorization: `Bearer ${'k'.repeat(32)}` } })).json().first
  t.same(caller, { kind: 'player', address: '127.0.0.1', hostId: 'alice', playKey: 'user:alice', clientKey: 'user:alice', refusedKey: 'ip:127.0.0.1' })
})

t.test('elsewhere an id counts apart under its address, and no id is the address', async t => {
  const app = await withWho({})
  t.same((await who(app, 'alice')).first,
    { kind: 'unverified', address: '127.0.0.1', hostId: 'alice', playKey: 'id:127.0.0.1:alice', clientKey: 'ip:127.0.0.1', refusedKey: 'ip:127.0.0.1' })
  t.same((await who(app)).first, { kind: 'address', address: '127.0.0.1', playKey: 'ip:127.0.0.1', clientKey: 'ip:127.0.0.1', refusedKey: 'ip:127.0.0.1' })
  const long = (await who(app, 'y'.repeat(KEY_ID_MAX + 1))).first
  t.match(long.playKey, /^id:127\.0\.0\.1:#[\w-]{43}$/, 'a long id is keyed by its hash')
})

t.test('worked out once: the same caller however the request changes after', async t => {
  const app = await withWho({})
  t.equal((await who(app, 'alice')).again, true)
})

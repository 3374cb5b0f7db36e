/** The app's JSON reader: a body that could reach an object's prototype is refused as Fastify refuses it; any other is read. */
import t from 'tap'
import { buildApp } from '../../helper.js'

t.test('a JSON body: read, or refused for a key that would reach the prototype, escaped or not', async t => {
  const app = await buildApp(t)
  app.post('/test_only_echo', async request => ({ got: request.body }))
  const post = async (payload: string) => await app.inject({ method: 'POST', url: '/test_only_echo', headers: { 'content-type': 'application/json' }, payload })
  t.same((await post('{"a":[1,{"b":"c"}]}')).json(), { got: { a: [1, { b: 'c' }] } })
  t.same((await post('{"note":"\\u00e9, __proto__ and constructor as words"}')).json(), { got: { note: 'é, __proto__ and constructor as words' } })
  const poisonedBodies = [
    '{"__proto__":{"x":1}}', '{"\\u005f_proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '{"c\\u006fnstructor":{"prototype":{}}}'
  ]
  for (const poisoned of poisonedBodies) {
    const answer = await post(poisoned)
    t.same([answer.statusCode, answer.json().message], [400, 'Body is not valid JSON but content-type is set to \'application/json\''], poisoned)
  }
  for (const broken of ['{"a":', '']) t.equal((await post(broken)).statusCode, 400, `not JSON: ${JSON.stringify(broken)}`)
})

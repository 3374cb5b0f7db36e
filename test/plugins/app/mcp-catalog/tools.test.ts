import t from 'tap'
import { portableSchema } from '../../../../plugins/app/mcp-catalog/tools.js'

t.test('portable schemas: type arrays become anyOf, wherever they are', async t => {
  t.same(portableSchema({ type: ['string', 'null'], enum: ['a', null] }), { anyOf: [{ type: 'string', enum: ['a'] }, { type: 'null' }] })
  t.same(portableSchema({ type: 'object', properties: { n: { type: ['integer', 'null'], minimum: 1, description: 'n' } } }),
    { type: 'object', properties: { n: { description: 'n', anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] } } })
  t.same(portableSchema({ type: 'array', items: [{ type: 'string' }] }), { type: 'array', items: [{ type: 'string' }] }, 'arrays of schemas are walked')
})

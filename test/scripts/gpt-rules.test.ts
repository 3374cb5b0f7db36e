import t from 'tap'
import { checkGptRules } from '../../scripts/gpt-rules.js'

// A document that breaks every rule once, each problem named by the rule that finds it.
const broken = {
  openapi: '3.0.3',
  servers: [{ url: 'http://Game.Example.com:8080' }],
  components: {
    schemas: { Loop: { type: 'object', properties: { next: { $ref: '#/components/schemas/Loop' } } }, Bare: { type: 'object' } },
    securitySchemes: { a: { type: 'http', scheme: 'bearer' }, b: { type: 'apiKey', in: 'header', name: 'x-key' } }
  },
  paths: {
    '/one': {
      get: {
        summary: 's'.repeat(301),
        parameters: [
          { name: 'x-token', in: 'header', schema: { type: 'string' } },
          { name: 'long', in: 'query', description: 'd'.repeat(701), schema: { type: 'string' } }
        ],
        responses: { 200: { description: 'ok', content: { 'application/json': { schema: { type: 'object', additionalProperties: { type: 'string' } } } } } }
      },
      head: { operationId: 'headOne', 'x-openai-isConsequential': false, responses: {} },
      post: {
        operationId: 'headOne',
        'x-openai-isConsequential': true,
        responses: { 200: { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Loop' } } } } }
      }
    },
    '/two': {
      get: {
        operationId: 'two',
        'x-openai-isConsequential': false,
        responses: {
          200: { description: 'ok', content: { 'application/json': { schema: { type: 'object', patternProperties: { '^a': { type: 'string' } } } } } }
        }
      }
    }
  }
}

t.test('a broken document: each rule names what is wrong', async t => {
  const results = Object.fromEntries(checkGptRules(broken).map(r => [r.rule, r.problems]))
  t.same(results, {
    'OpenAPI version 3.1.0 or 3.1.1': ['openapi is "3.0.3"; the editor accepts only "3.1.0" or "3.1.1"'],
    'exactly one https server on the root origin': [
      'server URL http://Game.Example.com:8080 is not https',
      'server URL http://Game.Example.com:8080 has a port; only the default https port is accepted',
      'server URL http://Game.Example.com:8080 has upper-case letters in the host'
    ],
    'every operation has a unique operationId': ['GET /one has no valid operationId (letters, digits, _ and -); the editor skips ' +
      'it', 'operationId headOne is used twice'],
    'x-openai-isConsequential is set on every operation': ['GET /one has no boolean x-openai-isConsequential; say whether ChatGPT must ask before each call'],
    'summary and description within 300 characters': ['GET /one summary has 301 characters; over 300 the whole document is refused'],
    'parameter descriptions within 700 characters': ['GET /one parameter long description has 701 characters (limit 700)'],
    'no header or cookie parameters': ['GET /one has the header parameter x-token; the editor drops it (use its authentication setting)'],
    'no HEAD operations': ['HEAD /one is skipped by the editor; remove it from the document'],
    'at least 1 and at most 30 operations': [],
    'components.schemas is an object': [],
    'object schemas have explicit properties, no maps, no circular $ref': [
      'paths./one.get.responses.200.content.application/json.schema is an object without properties',
      'paths./one.get.responses.200.content.application/json.schema is a map (additionalProperties as a schema)',
      'paths./one.post.responses.200.content.application/json.schema has a circular $ref',
      'paths./two.get.responses.200.content.application/json.schema is an object without properties',
      'paths./two.get.responses.200.content.application/json.schema uses patternProperties',
      'components.schemas.Bare is an object without properties'
    ],
    'an OAuth scheme is the authorization-code flow with https endpoints': [],
    'at most one security scheme': ['2 security schemes (a, b); the editor supports only one']
  })
})

t.test('server and size rules on their own', async t => {
  const rule = (document: Record<string, unknown>, name: string): string[] =>
    checkGptRules(document).find(r => r.rule === name)?.problems ?? ['rule missing']
  const servers = 'exactly one https server on the root origin'
  t.same(rule({ servers: [] }, servers), ['servers has 0 entries; the editor keeps only one, so give exactly one'])
  t.same(rule({ servers: [{ url: '/relative' }] }, servers), ['server URL "/relative" is not an absolute URL'])
  t.same(rule({ servers: [{ url: 'https://localhost' }] }, servers), ['server URL https://localhost is not a public host name'])
  t.same(rule({ servers: [{ url: 'https://game.example.com' }] }, servers), [])
  t.same(rule({ servers: ['https://game.example.com'] }, servers), ['server URL "" is not an absolute URL'], 'a server is an object with a url')
  t.same(rule({ servers: [{ url: 'urn:game' }] }, servers), ['server URL urn:game is not https'])
  t.same(rule({ paths: {} }, 'at least 1 and at most 30 operations'), ['the document has 0 operations'])
  const many = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`/p${i}`, { get: {} }]))
  t.same(rule({ paths: many }, 'at least 1 and at most 30 operations'), ['the document has 31 operations'])
  t.same(rule({ components: { schemas: [] } }, 'components.schemas is an object'), ['components.schemas must be an object'])
  t.same(
    rule(
      { paths: { '/a': 'not an object', '/b': { get: { operationId: 'b', 'x-openai-isConsequential': false, parameters: ['junk'] } } } },
      'at least 1 and at most 30 operations'
    ),
    [],
    'malformed entries are skipped, not fatal'
  )
  t.same(
    rule(
      { paths: { '/b': { get: { responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Missing' } } } } } } } } },
      'object schemas have explicit properties, no maps, no circular $ref'
    ),
    []
  )
})

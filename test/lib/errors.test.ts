import t from 'tap'
import {
  PARAMETERS_HINT, Refusal, clip, errorBody, httpBodyOf, pathOf, pointedAt, pointerKeys, quoted, refusals, serverFailureMessage, statusOf, validationMessage
} from '../../lib/errors.js'

t.test('a refusal, thrown as an error, carries its status and code, and no stack', async t => {
  const error = refusals.bodyTooLarge()
  t.ok(error instanceof Error)
  t.same({ statusCode: error.statusCode, code: error.code, message: error.message },
    { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE', message: 'Request body is too large' })
  t.notMatch(error.stack, /\n\s+at /, 'no frame is captured')
  t.notOk('code' in new Refusal(429, 'Too many'), 'no code unless given')
  t.ok(Error.stackTraceLimit > 0, 'other errors keep their stacks')
  t.match(new Error('a fault').stack, /\n\s+at /)
})

t.test('an error answer\'s body: the service\'s code only on a 4xx', async t => {
  t.same(errorBody(400, 'No.', 'invalid_parameter'), { statusCode: 400, error: 'Bad Request', code: 'invalid_parameter', message: 'No.' })
  t.same(errorBody(503, 'Busy.', 'sign_in_unavailable'), { statusCode: 503, error: 'Service Unavailable', message: 'Busy.' })
  t.same(errorBody(599, 'Odd.'), { statusCode: 599, error: 'Error', message: 'Odd.' })
})

t.test('a refusal as the HTTP door answers it: the pointer to the parameters where the refusal takes one', async t => {
  t.same(httpBodyOf(refusals.invalidParameter('x must be 1.')),
    { statusCode: 400, error: 'Bad Request', code: 'invalid_parameter', message: `x must be 1. ${PARAMETERS_HINT}` })
  t.same(httpBodyOf(refusals.tooManyCalls('Wait.', { 'retry-after': 3 })), { statusCode: 429, error: 'Too Many Requests', message: 'Wait.' })
  t.same(refusals.tooManyCalls('Wait.', { 'retry-after': 3 }).details.headers, { 'retry-after': 3 })
})

t.test('the status answered: the error\'s own when it is an error status, else 500', async t => {
  t.equal(statusOf({ statusCode: 404 }), 404)
  t.equal(statusOf({ statusCode: 302 }), 500)
  t.equal(statusOf({}), 500)
})

t.test('what a caller sent is cut before it is echoed', async t => {
  t.equal(clip('abc', 3), 'abc')
  t.equal(clip('abcd', 3), 'ab…')
  t.equal(quoted('x'.repeat(100), 10), '"xxxxxxxx…')
})

t.test('a server failure tells what to do, and the id to report', async t => {
  t.match(serverFailureMessage(503, 'req-1'), /^The server is busy or restarting; retry/)
  t.match(serverFailureMessage(500, 'req-1'), /report request id req-1\.$/)
})

t.test('a validation failure in the API\'s terms: the parameter, what it must be, what it got', async t => {
  const input = { position_1: 'Q', ai_player: '' }
  t.equal(validationMessage({ keyword: 'enum', instancePath: '/position_1', message: '', params: { allowedValues: ['X', 'O', ''] } }, 'querystring', input),
    'position_1 must be one of "X", "O", empty (got "Q").')
  t.match(validationMessage({ keyword: 'type', instancePath: '/ai_player', message: '', params: { type: 'integer' } }, 'querystring', input),
    /^ai_player must be a whole number/)
})

t.test('where a validation error points: the keys down, its JSON pointer decoded', async t => {
  t.same(pathOf({ instancePath: '' }), [])
  t.same(pathOf({ instancePath: '/position_1' }), ['position_1'])
  t.same(pathOf({ instancePath: '/_meta/io.modelcontextprotocol~1clientInfo/name' }), ['_meta', 'io.modelcontextprotocol/clientInfo', 'name'])
  t.same(pathOf({ instancePath: '/a~0b' }), ['a~b'])
  t.same(pointerKeys('#/properties/name/type'.slice(1)), ['properties', 'name', 'type'], 'a schema path reads the same way')
  const root = { a: { b: 5 } }
  t.same(pointedAt({ instancePath: '/a/b', keyword: 'type', params: { type: 'string' } }, root), { path: ['a', 'b'], value: 5 }, 'the wrong value')
  t.same(pointedAt({ instancePath: '/a', keyword: 'required', params: { missingProperty: 'c' } }, root), { path: ['a', 'c'], value: undefined },
    'a missing key: its path, and nothing there')
})

/** How a failed fetch of the issuer's keys is said in the log: in a few words, never a stack. */
import t from 'tap'
import { whyFetchFailed } from '../../lib/issuer-keys.js'

const url = new URL('https://issuer.example.com/jwks')

t.test('a timeout, a network error by its code, or what the error says', async t => {
  t.equal(whyFetchFailed(Object.assign(new Error('aborted'), { name: 'TimeoutError' }), url, 3000), 'https://issuer.example.com/jwks did not answer ' +
    'within 3000 ms')
  t.equal(
    whyFetchFailed(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }), url, 3000),
    'https://issuer.example.com/jwks cannot be reached (ECONNREFUSED)'
  )
  t.equal(whyFetchFailed(new TypeError('fetch failed', { cause: new Error('unknown scheme') }), url, 3000), 'https://issuer.example.com/jwks cannot ' +
    'be reached (unknown scheme)')
  t.equal(whyFetchFailed(new TypeError('fetch failed'), url, 3000), 'https://issuer.example.com/jwks cannot be reached (fetch failed)')
})

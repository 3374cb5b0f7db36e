/** Security headers (helmet): the API set on every answer, errors included, and the document set on HTML. */
import t from 'tap'
import { buildApp } from '../../helper.js'

const MOVE = '/human_move?position_1=X'

t.test('security headers on every answer, including errors: the API set everywhere, the document set on HTML', async t => {
  const app = await buildApp(t)
  for (const url of ['/health', MOVE, '/nowhere', '/openapi.json', '/', '/privacy', '/docs/']) {
    const res = await app.inject(url)
    t.equal(res.headers['x-content-type-options'], 'nosniff', url)
    t.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains', url)
    t.equal(res.headers['cross-origin-resource-policy'], 'same-origin', url)
    t.equal(res.headers['cache-control'], 'no-store', url)
    t.notOk(res.headers['x-powered-by'], url)
    const html = String(res.headers['content-type']).startsWith('text/html')
    t.equal(html, ['/', '/privacy', '/docs/'].includes(url), `${url} answers HTML by default`)
    if (html) {
      t.match(res.headers['content-security-policy'], "default-src 'self'", url)
      t.match(res.headers['content-security-policy'], "script-src 'self'", url)
      t.notMatch(res.headers['content-security-policy'], 'upgrade-insecure-requests', url)
      t.equal(res.headers['x-frame-options'], 'SAMEORIGIN', url)
      t.equal(res.headers['referrer-policy'], 'no-referrer', url)
      t.equal(res.headers['cross-origin-opener-policy'], 'same-origin', url)
    } else {
      t.equal(res.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'", url)
      t.equal(res.headers['x-frame-options'], 'DENY', url)
      t.notOk(res.headers['referrer-policy'], `${url}: no document-only headers on JSON`)
    }
  }
})

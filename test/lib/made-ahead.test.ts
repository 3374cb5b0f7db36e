/** What the build made is used as it is; anything else is made at start, and recorded for the build. */
import t from 'tap'
import { madeAhead, recorded } from '../../lib/made-ahead.js'
import { madeByBuild } from '../../lib/made-by-build.js'

t.test('made ahead: taken, not made again, not recorded; not made ahead: made and recorded', async t => {
  const made = (x: number) => x * 2
  ;(madeByBuild as Map<string, unknown>).set('made ahead', made)
  t.teardown(() => { (madeByBuild as Map<string, unknown>).delete('made ahead') })
  let calls = 0
  t.equal(madeAhead('made ahead', { kind: 'strict', useDefaults: false }, {}, () => { calls++; return made }), made)
  t.equal(calls, 0, 'nothing made')
  t.notOk(recorded.has('made ahead'))
  const schema = { type: 'string' }
  const fresh = madeAhead('made now', { kind: 'strict', useDefaults: false }, schema, () => { calls++; return 'fresh' })
  t.equal(fresh, 'fresh')
  t.equal(calls, 1)
  t.same(recorded.get('made now'), { maker: { kind: 'strict', useDefaults: false }, schema }, 'recorded with what it is made from')
})

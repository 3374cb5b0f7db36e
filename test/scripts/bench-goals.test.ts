/** npm run bench's verdict: a missed goal is named and makes the exit status 1; goals all met, 0. */
import t from 'tap'
import { benchGoals } from '../../scripts/bench-goals.js'

t.test('goals all met: no verdict line, exit status 0', async t => {
  const goals = benchGoals()
  t.equal(goals.check('MCP move (2025)', 1.2, true, '<= 1.25'), 'goal <= 1.25')
  t.same(goals.verdict(), { line: undefined, exitCode: 0 })
})

t.test('a missed goal: marked on its line, named with its figure at the end, exit status 1', async t => {
  const goals = benchGoals()
  goals.check('start', 1.1, true, '<= 1.5x')
  t.equal(goals.check('MCP move (2026-07-28)', 1.614, false, '<= 1.25'), 'goal <= 1.25, MISSED')
  goals.check('refusal (413)', 1.22, false, '< 1')
  t.same(goals.verdict(), { line: 'goals missed: MCP move (2026-07-28): 1.61 (goal <= 1.25); refusal (413): 1.22 (goal < 1)', exitCode: 1 })
})

/** The bench's chart: a bar per target, as long as its CPU time, the reference in grey, the starts in words. */
import t from 'tap'
import { benchChart } from '../../scripts/bench-chart.js'

t.test('bars proportional to the CPU time, names escaped, the starts said as ratios', async t => {
  const svg = benchChart('bench <run>', [{ name: 'bare Fastify hello-world', cpuUs: 20 }, { name: 'service GET /human_move & more', cpuUs: 40 }], [
    { name: 'to the first /health', ms: 300, reference: 250 }
  ])
  t.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
  t.match(svg, 'bench &lt;run&gt;')
  t.match(svg, 'service GET /human_move &amp; more')
  const widths = [...svg.matchAll(/<rect x="430" y="\d+" width="(\d+)"/g)].map(match => Number(match[1]))
  t.same(widths.length, 2)
  t.equal(widths[1], 2 * widths[0], 'twice the time, twice the bar')
  t.match(svg, 'fill="#888"', 'the reference in grey')
  t.match(svg, 'to the first /health: 300 ms, 1.20x bare Fastify\'s 250 ms')
})

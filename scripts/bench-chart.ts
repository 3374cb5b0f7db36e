/**
 * The chart `npm run bench` draws for docs/performance.md: one horizontal bar per target, its
 * length the server's CPU time per request, the bare Fastify's bar marked as the reference, and the
 * start-up figures under it. Plain SVG, no library: the figures are a few numbers.
 */
export interface ChartRow { name: string, cpuUs: number }
export interface ChartStart { name: string, ms: number, reference: number }

const escape = (text: string): string => text.replace(/[&<>"]/g, char => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char] as string)

const WIDTH = 880
const LABEL = 430
const BAR = 24
const GAP = 10

export function benchChart (title: string, rows: ChartRow[], starts: ChartStart[]): string {
  const most = Math.max(...rows.map(row => row.cpuUs), 1)
  const scale = (WIDTH - LABEL - 90) / most
  let y = 56
  const parts: string[] = [
    `<text x="16" y="28" font-size="16" font-weight="bold">${escape(title)}</text>`,
    '<text x="16" y="46" font-size="12" fill="#555">server CPU time per request, µs (shorter is better)</text>'
  ]
  for (const row of rows) {
    const length = Math.max(1, Math.round(row.cpuUs * scale))
    const reference = row.name.startsWith('bare Fastify')
    parts.push(
      `<text x="${LABEL - 8}" y="${y + BAR * 0.7}" font-size="12" text-anchor="end">${escape(row.name)}</text>`,
      `<rect x="${LABEL}" y="${y}" width="${length}" height="${BAR}" fill="${reference ? '#888' : '#2b6cb0'}"/>`,
      `<text x="${LABEL + length + 6}" y="${y + BAR * 0.7}" font-size="12">${row.cpuUs.toFixed(1)}</text>`
    )
    y += BAR + GAP
  }
  y += 14
  parts.push(`<text x="16" y="${y}" font-size="12" fill="#555">start, to the first answer: the service against a bare Fastify, ms</text>`)
  y += 12
  for (const start of starts) {
    parts.push(`<text x="16" y="${y + 14}" font-size="12">${escape(start.name)}: ${start.ms.toFixed(0)} ms, ${(start.ms / start.reference).toFixed(2)}x bare Fastify's ${start.reference.toFixed(0)} ms</text>`)
    y += 20
  }
  const height = y + 16
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">\n` +
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`
}

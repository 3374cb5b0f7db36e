/**
 * The README and docs/ lead where they say: every relative link names a file of the project, and
 * every #fragment a heading (GitHub's anchors) or an anchor of that file. A file moved or a heading
 * renamed fails here, not in a newcomer's browser.
 */
import { existsSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import t from 'tap'

const root = new URL('../', import.meta.url).pathname
const pages = ['README.md', ...(await readdir(join(root, 'docs'))).filter(name => name.endsWith('.md')).map(name => `docs/${name}`)]

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string): string => heading.trim().toLowerCase().replace(/`/g, '').replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s/g, '-')

async function anchorsOf (file: string): Promise<Set<string>> {
  const text = await readFile(join(root, file), 'utf8')
  const headings = [...text.matchAll(/^#{1,6} (.+)$/gm)].map(match => slug(match[1]))
  const ids = [...text.matchAll(/<a id="([^"]+)"/g)].map(match => match[1])
  return new Set([...headings, ...ids])
}

t.test('every relative link and anchor of the README and docs/ exists', async t => {
  let links = 0
  for (const page of pages) {
    const text = await readFile(join(root, page), 'utf8')
    // Markdown links and images, outside code blocks.
    const prose = text.replace(/```[\s\S]*?```/g, '')
    for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue
      links++
      const [path, fragment] = target.split('#')
      const file = path === '' ? page : join(dirname(page), path)
      t.ok(existsSync(join(root, file)), `${page}: ${target} names a file that exists`)
      if (fragment !== undefined && file.endsWith('.md')) t.ok((await anchorsOf(file)).has(fragment), `${page}: ${target} names a heading of ${file}`)
    }
  }
  t.ok(links > 20, `${links} links checked in ${pages.length} pages`)
  t.ok((await readFile(join(root, 'README.md'), 'utf8')).split('\n').length <= 250, 'the README reads in a few screens')
})

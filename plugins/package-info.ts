/** The package's name and version, read once (from the source tree in tests, from dist/ when built). */
import { existsSync, readFileSync } from 'node:fs'

const candidates = ['../package.json', '../../package.json'].map(path => new URL(path, import.meta.url))
const file = candidates.find(url => existsSync(url)) as URL

export const packageInfo = JSON.parse(readFileSync(file, 'utf8')) as { name: string, version: string, description: string }

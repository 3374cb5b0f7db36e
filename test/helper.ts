/**
 * Builds the app for a test exactly as server.ts does (same `serverOptions`), from an environment
 * the test chooses. Not readied: a test may add a route first; `inject` readies it.
 */
import { Writable } from 'node:stream'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import app, { serverOptions } from '../app.js'
import type { RandomSource } from '../engine/index.js'
import { loadConfig } from '../plugins/config.js'

export interface BuildOptions {
  random?: RandomSource
  /** The clock sign-in checks tokens and keys by. */
  now?: () => number
  /** Collects the log lines as parsed JSON (the log is silent otherwise, unless env says a level). */
  logs?: Array<Record<string, unknown>>
}

export async function buildApp (t: Test, env: Record<string, string> = {}, options: BuildOptions = {}): Promise<FastifyInstance> {
  // No load shedding unless a test asks for it: it answers to how busy the machine is, which a
  // test does not control (several test files at once on a crowded machine stall a process for over
  // a second). Its own tests set the limit (test/plugins/external/under-pressure.test.ts).
  const config = loadConfig({ LOG_LEVEL: options.logs === undefined ? 'silent' : 'info', MAX_EVENT_LOOP_DELAY_MS: '0', ...env })
  const logs = options.logs
  const stream = new Writable({
    write (chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '' && logs !== undefined) logs.push(JSON.parse(line))
      done()
    }
  })
  const fastify = Fastify(serverOptions(config, stream))
  await fastify.register(app, { config, random: options.random, now: options.now })
  t.teardown(() => fastify.close())
  return fastify
}

/** A board written as 9 characters ('.' for empty) as the query of GET /human_move. */
export function boardQuery (board: string, extra: Record<string, string | number> = {}): string {
  const params = new URLSearchParams()
  ;[...board].forEach((cell, i) => { if (cell !== '.') params.set(`position_${i + 1}`, cell) })
  for (const [key, value] of Object.entries(extra)) params.set(key, String(value))
  return `/human_move?${params}`
}

/** Waits until `condition` holds, for at most `ms`; the test then asserts what it waited for. */
export async function until (condition: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !condition() && Date.now() < end;) await new Promise(resolve => setTimeout(resolve, 50))
}

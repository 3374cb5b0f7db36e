/**
 * What the build makes ahead so a start does not (scripts/build.mjs): schemas' standalone validators
 * and serializers, and the solved positions, each asked for by a key. From the sources each is made
 * as the service starts and recorded: the record is how the build knows what to make.
 */
import { madeByBuild } from './made-by-build.js'

/** How a thing is made: which compiler, with which of its options. */
export type Maker =
  | { kind: 'strict', useDefaults: boolean }
  | { kind: 'fastify-validator', method: string, url: string, httpPart: string }
  | { kind: 'fastify-serializer', method: string, url: string, httpStatus: string }
  | { kind: 'solved-positions' }

/** What a start made itself, by key, with what it was made from. */
export const recorded = new Map<string, { maker: Maker, schema?: unknown }>()

/** The thing the build made for `key`, or `make()`'s, recorded. */
export function madeAhead<T> (key: string, maker: Maker, schema: unknown, make: () => T): T {
  const made = madeByBuild.get(key)
  if (made !== undefined) return made as T
  recorded.set(key, { maker, schema })
  return make()
}

/**
 * Schemas checked as written (no coercion, no defaults, nothing removed), for a protocol's envelope
 * and the configuration, where Fastify's coercing validator would be wrong (a method named 5 is no
 * method). Ajv, which Fastify loads anyway, compiles them once.
 */
import { createRequire } from 'node:module'
import type { TSchema } from '@sinclair/typebox'
import type { ErrorObject } from 'ajv'
import { madeAhead } from './made-ahead.js'

// Loads a compiler only where nothing was made ahead of time (the built server loads none).
const require = createRequire(import.meta.url)

export type StrictValidator<T> = ((value: unknown) => value is T) & { errors?: ErrorObject[] | null }

/** Ajv's options for these validators, `useDefaults` aside: the build compiles them with the same (scripts/build.mjs). */
export const STRICT_OPTIONS = { allErrors: false, strict: false, validateSchema: false } as const

/**
 * A validator of `schema` (a TypeBox schema is plain JSON Schema once its symbols are dropped),
 * made by the build, or compiled here. The schemas are the service's own, so Ajv is not asked to
 * check them against JSON Schema's own, which would compile that schema too, at every start.
 */
export function compileStrict<T> (key: string, schema: TSchema | Record<string, unknown>, options: { useDefaults?: boolean } = {}): StrictValidator<T> {
  const plain = JSON.parse(JSON.stringify(schema))
  const useDefaults = options.useDefaults === true
  return madeAhead(key, { kind: 'strict', useDefaults }, plain, () => {
    const { Ajv } = require('ajv') as typeof import('ajv')
    return new Ajv({ ...STRICT_OPTIONS, useDefaults }).compile<T>(plain) as StrictValidator<T>
  })
}

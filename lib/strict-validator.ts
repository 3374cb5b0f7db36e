/**
 * Schemas checked as they are written: no coercion, no defaults, nothing removed. Fastify's own
 * validator coerces (a query's "5" is a number), which is right for a route's input and wrong for a
 * protocol's envelope (a method named 5 is no method) or the configuration. Ajv, which Fastify
 * loads anyway, compiles them once.
 */
import type { TSchema } from '@sinclair/typebox'
import { Ajv, type ErrorObject } from 'ajv'

const ajv = new Ajv({ allErrors: false, strict: false })

export type StrictValidator<T> = ((value: unknown) => value is T) & { errors?: ErrorObject[] | null }

/** A validator of `schema` (a TypeBox schema is plain JSON Schema once its symbols are dropped). */
export function compileStrict<T> (schema: TSchema | Record<string, unknown>, options: { useDefaults?: boolean } = {}): StrictValidator<T> {
  const plain = JSON.parse(JSON.stringify(schema))
  return (options.useDefaults === true ? new Ajv({ allErrors: false, strict: false, useDefaults: true }) : ajv).compile<T>(plain) as StrictValidator<T>
}

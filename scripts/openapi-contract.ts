/**
 * Checks answers against what a published OpenAPI 3.1 document promises: the response schema the
 * document gives for that path, method and status, validated with Ajv (JSON Schema 2020-12, the
 * dialect of OpenAPI 3.1). Works from the document alone, never from the routes' source.
 */
import { Ajv2020 } from 'ajv/dist/2020.js'

type Json = Record<string, unknown>

/** Escapes a key for a JSON pointer. */
const pointer = (...keys: string[]): string => keys.map(k => k.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')

export class DocumentContract {
  private readonly ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true })
  private readonly document: Json

  constructor (document: Json) {
    this.document = document
    this.ajv.addSchema(document, 'openapi')
  }

  /** The problems with an answer (none when it matches), or why it cannot be checked. */
  checkResponse (path: string, method: string, status: number, contentType: string, body: unknown): string[] {
    const paths = this.document.paths as Record<string, Record<string, Json>> | undefined
    const responses = paths?.[path]?.[method.toLowerCase()]?.responses as Record<string, Json> | undefined
    const key = responses?.[String(status)] !== undefined ? String(status) : 'default'
    const content = responses?.[key]?.content as Record<string, unknown> | undefined
    const mediaType = contentType.split(';')[0].trim()
    if (content?.[mediaType] === undefined) return [`the document gives no ${mediaType} schema for ${method.toUpperCase()} ${path} ${status}`]
    const validate = this.ajv.compile({ $ref: `openapi#/${pointer('paths', path, method.toLowerCase(), 'responses', key, 'content', mediaType, 'schema')}` })
    return validate(body) ? [] : (validate.errors ?? []).map(e => `${e.instancePath || '(answer)'} ${e.message ?? 'is not valid'}`)
  }

  /** Every example value in the parameters' schemas, checked against its own schema. */
  checkExamples (): string[] {
    const problems: string[] = []
    for (const [path, item] of Object.entries((this.document.paths ?? {}) as Record<string, Record<string, Json>>)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const parameter of (operation.parameters ?? []) as Json[]) {
          const schema = parameter.schema as Json | undefined
          for (const example of (schema?.examples ?? []) as unknown[]) {
            if (!this.ajv.validate(schema as Json, example)) {
              problems.push(`${method.toUpperCase()} ${path} ${String(parameter.name)}: example ${JSON.stringify(example)} does not match its schema`)
            }
          }
        }
      }
    }
    return problems
  }
}

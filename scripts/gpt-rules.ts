/**
 * The rules the GPT editor applies to an action's OpenAPI document: OpenAI's Actions documentation,
 * and what builders report the editor refuses or silently drops. One rule set, used by the unit
 * tests and by `npm run check:gpt`, so a new route cannot ship what the editor would reject.
 */

export interface RuleResult {
  rule: string
  /** Each problem found; none means the rule holds. */
  problems: string[]
}

type Json = Record<string, unknown>

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']
export const LIMITS = { operationText: 300, parameterDescription: 700, operations: 30 }

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

export interface Operation { method: string, path: string, operation: Json }

export function operationsOf (document: Json): Operation[] {
  const paths = isObject(document.paths) ? document.paths : {}
  return Object.entries(paths).flatMap(([path, item]) => isObject(item)
    ? HTTP_METHODS.filter(method => isObject(item[method])).map(method => ({ method, path, operation: item[method] as Json }))
    : [])
}

/** Walks every schema in the document, calling `visit` with its location. */
function walkSchemas (node: unknown, where: string, visit: (schema: Json, where: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => walkSchemas(item, `${where}[${i}]`, visit))
    return
  }
  if (!isObject(node)) return
  if ('type' in node || 'properties' in node || 'enum' in node || 'anyOf' in node || '$ref' in node) visit(node, where)
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'enum' && key !== 'example' && key !== 'examples' && key !== 'default') walkSchemas(value, `${where}.${key}`, visit)
  }
}

function resolveRef (document: Json, ref: string): unknown {
  return ref.replace(/^#\//, '').split('/').reduce<unknown>((node, key) => isObject(node) ? node[key] : undefined, document)
}

function hasCircularRef (document: Json, ref: string, seen: Set<string> = new Set()): boolean {
  if (seen.has(ref)) return true
  let circular = false
  walkSchemas(resolveRef(document, ref), ref, schema => {
    if (!circular && typeof schema.$ref === 'string') circular = hasCircularRef(document, schema.$ref, new Set([...seen, ref]))
  })
  return circular
}

type Check = (document: Json, operations: Operation[]) => string[]

/** The document's security schemes by name (none when it declares none). */
const securitySchemesOf = (document: Json): Json =>
  isObject(document.components) && isObject(document.components.securitySchemes) ? document.components.securitySchemes : {}

const checks: Array<[string, Check]> = [
  ['OpenAPI version 3.1.0 or 3.1.1', document =>
    document.openapi === '3.1.0' || document.openapi === '3.1.1'
      ? []
      : [`openapi is ${JSON.stringify(document.openapi)}; the editor accepts only ` +
        '"3.1.0" or "3.1.1"']],

  ['exactly one https server on the root origin', document => {
    const servers = Array.isArray(document.servers) ? document.servers : []
    if (servers.length !== 1) return [`servers has ${servers.length} entries; the editor keeps only one, so give exactly one`]
    const url = isObject(servers[0]) ? String(servers[0].url) : ''
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return [`server URL ${JSON.stringify(url)} is not an absolute URL`]
    }
    const problems: string[] = []
    if (parsed.protocol !== 'https:') problems.push(`server URL ${url} is not https`)
    if (parsed.port !== '') problems.push(`server URL ${url} has a port; only the default https port is accepted`)
    if (parsed.hostname === 'localhost' || /^[0-9.]+$/.test(parsed.hostname) || parsed.hostname.startsWith('[')) {
      problems.push(`server URL ${url} is ` +
        'not a public host name')
    }
    // URL lowercases the host, so look at the text as written.
    if (/[A-Z]/.test(url.split('/')[2] ?? '')) problems.push(`server URL ${url} has upper-case letters in the host`)
    return problems
  }],

  ['every operation has a unique operationId', (_document, operations) => {
    const seen = new Set<string>()
    return operations.flatMap(({ method, path, operation }) => {
      const id = operation.operationId
      if (typeof id !== 'string' || !/^[A-Za-z0-9_-]+$/.test(id)) {
        return [`${method.toUpperCase()} ${path} has no valid operationId (letters, digits, ` +
          '_ and -); the editor skips it']
      }
      if (seen.has(id)) return [`operationId ${id} is used twice`]
      seen.add(id)
      return []
    })
  }],

  ['x-openai-isConsequential is set on every operation', (_document, operations) =>
    operations.flatMap(({ method, path, operation }) => typeof operation['x-openai-isConsequential'] === 'boolean'
      ? []
      : [`${method.toUpperCase()} ${path} has no boolean x-openai-isConsequential; say whether ChatGPT must ask before each call`])],

  [`summary and description within ${LIMITS.operationText} characters`, (_document, operations) =>
    operations.flatMap(({ method, path, operation }) => ['summary', 'description'].flatMap(key => {
      const text = operation[key]
      return typeof text === 'string' && text.length > LIMITS.operationText
        ? [`${method.toUpperCase()} ${path} ${key} has ${text.length} characters; over ${LIMITS.operationText} the whole document is refused`]
        : []
    }))],

  [`parameter descriptions within ${LIMITS.parameterDescription} characters`, (_document, operations) =>
    operations.flatMap(({ method, path, operation }) => (Array.isArray(operation.parameters) ? operation.parameters : []).flatMap(parameter => {
      const text = isObject(parameter) ? parameter.description : undefined
      return typeof text === 'string' && text.length > LIMITS.parameterDescription
        ? [`${method.toUpperCase()} ${path} parameter ${String((parameter as Json).name)} description has ${text.length} characters (limit ` +
          `${LIMITS.parameterDescription})`]
        : []
    }))],

  ['no header or cookie parameters', (_document, operations) =>
    operations.flatMap(({ method, path, operation }) => (Array.isArray(operation.parameters) ? operation.parameters : []).flatMap(parameter =>
      isObject(parameter) && (parameter.in === 'header' || parameter.in === 'cookie')
        ? [`${method.toUpperCase()} ${path} has the ${String(parameter.in)} parameter ${String(parameter.name)}; the editor drops it (use its ` +
          'authentication setting)']
        : []))],

  ['no HEAD operations', (_document, operations) =>
    operations.filter(({ method }) => method === 'head').map(({ path }) => `HEAD ${path} is skipped by the editor; remove it from the document`)],

  [`at least 1 and at most ${LIMITS.operations} operations`, (_document, operations) =>
    operations.length >= 1 && operations.length <= LIMITS.operations ? [] : [`the document has ${operations.length} operations`]],

  ['components.schemas is an object', document =>
    document.components === undefined || (isObject(document.components) && (document.components.schemas === undefined || isObject(document.components.schemas)))
      ? []
      : ['components.schemas must be an object']],

  ['object schemas have explicit properties, no maps, no circular $ref', document => {
    const problems: string[] = []
    walkSchemas(document.paths, 'paths', (schema, where) => {
      if (schema.type === 'object' && !isObject(schema.properties)) problems.push(`${where} is an object without properties`)
      if (isObject(schema.additionalProperties)) problems.push(`${where} is a map (additionalProperties as a schema)`)
      if ('patternProperties' in schema) problems.push(`${where} uses patternProperties`)
      if (typeof schema.$ref === 'string' && hasCircularRef(document, schema.$ref)) problems.push(`${where} has a circular $ref`)
    })
    walkSchemas(isObject(document.components) ? document.components.schemas : undefined, 'components.schemas', (schema, where) => {
      if (schema.type === 'object' && !isObject(schema.properties)) problems.push(`${where} is an object without properties`)
    })
    return problems
  }],

  ['an OAuth scheme is the authorization-code flow with https endpoints', document => {
    return Object.entries(securitySchemesOf(document)).flatMap(([name, scheme]) => {
      if (!isObject(scheme) || scheme.type !== 'oauth2') return []
      const flows = isObject(scheme.flows) ? scheme.flows : {}
      const code = flows.authorizationCode
      if (!isObject(code)) return [`the OAuth scheme ${name} has no authorizationCode flow; the GPT editor offers only the authorization code`]
      const problems = Object.keys(flows).filter(flow => flow !== 'authorizationCode').map(flow => `the OAuth scheme ${name} also has the ${flow} ` +
        'flow, which the editor ignores')
      for (const key of ['authorizationUrl', 'tokenUrl']) {
        const url = code[key]
        if (typeof url !== 'string' || !/^https:\/\/[^/]/.test(url)) {
          problems.push(`the OAuth scheme ${name} has ${key} ${JSON.stringify(url)}; the ` +
            'editor needs an https URL')
        }
      }
      if (!isObject(code.scopes)) problems.push(`the OAuth scheme ${name} has no scopes object`)
      return problems
    })
  }],

  ['at most one security scheme', document => {
    const schemes = Object.keys(securitySchemesOf(document))
    return schemes.length <= 1 ? [] : [`${schemes.length} security schemes (${schemes.join(', ')}); the editor supports only one`]
  }]
]

export function checkGptRules (document: Json): RuleResult[] {
  const operations = operationsOf(document)
  return checks.map(([rule, check]) => ({ rule, problems: check(document, operations) }))
}

/**
 * What the door answers the same to every caller (plugins/app/mcp-catalog: the actions as tools,
 * prompts and views), written once as JSON for each revision, with the server's description.
 */
import type {
  CacheHint, DiscoverResult, InitializeResult, ListResourceTemplatesResult, ResultMetaObject, ServerCapabilities
} from '@modelcontextprotocol/server'
import { EXTENSION_ID, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server'
import type { McpCatalog } from '../../plugins/app/mcp-catalog/index.js'
import { packageInfo } from '../../lib/files.js'
import { MODERN_VERSIONS, SERVER_INFO_KEY } from './revisions.js'

export const SERVER_INFO = { name: packageInfo.name, version: packageInfo.version, title: 'Tic-tac-toe opponent' }
/** What the server offers, with the MCP Apps extension (its views' MIME type) in both revisions, as ext-apps 2.x hosts read it. */
export const CAPABILITIES: ServerCapabilities = {
  tools: {},
  prompts: {},
  resources: {},
  extensions: { [EXTENSION_ID]: { mimeTypes: [RESOURCE_MIME_TYPE] } }
}

/** What a 2026-07-28 result adds to a 2025 one: it is complete, names the server, and may say how long it keeps. */
export type Result2026<T> = T & CacheHint & { resultType: 'complete', _meta: ResultMetaObject }

/**
 * How long a 2026-07-28 client may keep what the lists and the view say: they change only with a
 * new deployment. The lists are the same for every caller (public); what the view's resource says
 * may depend on the host that asks, so only that caller may keep it (private).
 */
const CACHE_MS = 5 * 60_000
const PUBLIC: CacheHint = { ttlMs: CACHE_MS, cacheScope: 'public' }
const PRIVATE: CacheHint = { ttlMs: CACHE_MS, cacheScope: 'private' }

export function result2026<T extends object> (result: T, cache: CacheHint = {}): Result2026<T> {
  return { ...result, resultType: 'complete', ...cache, _meta: { [SERVER_INFO_KEY]: SERVER_INFO } }
}

/** A result written for each revision: the 2025 one, and the 2026-07-28 one with its additions. */
export interface Written { legacy: string, modern: string }
const written = <T extends object>(result: T, cache?: CacheHint): Written =>
  ({ legacy: JSON.stringify(result), modern: JSON.stringify(result2026(result, cache)) })

/** The answers the same for every caller, as text. */
export interface Answers {
  /** Every list, by method. */
  lists: Readonly<Record<'tools/list' | 'prompts/list' | 'resources/list' | 'resources/templates/list', Written>>
  discover: string
  /** Each view's `resources/read` result, by URI. */
  views: ReadonlyMap<string, Written>
  initialize: (version: string) => string
}

export function answersOf ({ toolList, promptList, resourceList, views, instructions }: McpCatalog): Answers {
  // The resources are the views, each at a fixed address: no templates (listed empty, as the
  // resources capability asks).
  const templates: ListResourceTemplatesResult = { resourceTemplates: [] }
  const discover: DiscoverResult = { supportedVersions: [...MODERN_VERSIONS], capabilities: CAPABILITIES, instructions }
  return {
    lists: {
      'tools/list': written(toolList, PUBLIC),
      'prompts/list': written(promptList, PUBLIC),
      'resources/list': written(resourceList, PRIVATE),
      'resources/templates/list': written(templates, PUBLIC)
    },
    discover: JSON.stringify(result2026(discover, PUBLIC)),
    views: new Map([...views].map(([uri, read]) => [uri, written(read, PRIVATE)])),
    initialize: version =>
      JSON.stringify({ protocolVersion: version, capabilities: CAPABILITIES, serverInfo: SERVER_INFO, instructions } satisfies InitializeResult)
  }
}

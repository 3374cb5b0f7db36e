/**
 * What the service offers MCP hosts, made from its actions once the app is ready: each action as a
 * tool, its prompts, its view as a resource. The MCP door (routes/mcp/) answers with it in each
 * revision, as the OpenAPI document (plugins/external/swagger.ts) describes the same actions to a GPT.
 */
import type { ListPromptsResult, ListResourcesResult, ListToolsResult, ReadResourceResult } from '@modelcontextprotocol/server'
import fp from 'fastify-plugin'
import { readView } from '../../../lib/files.js'
import { type Action, type ActionPrompt, guideOf } from '../actions.js'
import { hostSettingsOf, viewMeta } from './host-meta.js'
import { VIEW_MIME_TYPE, promptOf, toolOf } from './tools.js'

export interface McpCatalog {
  /** The actions by tool name, and each one's argument names (a call is checked against them before anything is built from it). */
  tools: ReadonlyMap<string, Action>
  argumentNames: ReadonlyMap<string, readonly string[]>
  prompts: ReadonlyMap<string, ActionPrompt>
  toolList: ListToolsResult
  promptList: ListPromptsResult
  resourceList: ListResourcesResult
  /** Each view's `resources/read` result, by URI. */
  views: ReadonlyMap<string, ReadResourceResult>
  /** The actions' own instructions, over their tools' names: ChatGPT and Claude read them. */
  instructions: string
}

declare module 'fastify' {
  interface FastifyInstance {
    /** What the MCP door offers: made once the app is ready (every action is registered by then). */
    readonly mcpCatalog: McpCatalog
  }
}

export default fp(async fastify => {
  let catalog: McpCatalog | undefined
  fastify.decorate('mcpCatalog', { getter: () => catalog as McpCatalog })
  // The views are read as the app gets ready: a view that was not built stops the start instead of
  // failing a host's first read.
  fastify.addHook('onReady', async () => {
    const { actions, config } = fastify
    const settings = hostSettingsOf(config)
    const prompts = actions.flatMap(action => action.prompts)
    const views = actions.flatMap(action => action.view ?? []).map(view => ({ view, meta: viewMeta(view, settings) }))
    const contents = new Map<string, ReadResourceResult>()
    for (const { view, meta } of views) {
      contents.set(view.uri, { contents: [{ uri: view.uri, mimeType: VIEW_MIME_TYPE, text: await readView(view.name), _meta: meta }] })
    }
    catalog = {
      tools: new Map(actions.map(action => [action.toolName, action])),
      argumentNames: new Map(actions.map(action => [action.toolName, Object.keys(action.input.properties)])),
      prompts: new Map(prompts.map(prompt => [prompt.name, prompt])),
      toolList: { tools: actions.map(action => toolOf(action, settings)) },
      promptList: { prompts: prompts.map(promptOf) },
      resourceList: {
        resources: views.map(({ view, meta }) => ({
          uri: view.uri,
          name: view.name,
          title: view.title,
          description: view.description,
          mimeType: VIEW_MIME_TYPE,
          _meta: meta
        }))
      },
      views: contents,
      instructions: guideOf(actions, action => action.toolName).instructions
    }
  })
}, { name: 'mcp-catalog', fastify: '5.x', dependencies: ['config', 'actions'] })

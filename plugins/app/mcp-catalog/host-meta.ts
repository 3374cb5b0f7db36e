/**
 * What the chat hosts read from a tool and a view (MCP Apps, ChatGPT, Claude), in one place; each
 * field's source, and why the view carries no `ui.domain`: docs/decisions.md.
 */
import { RESOURCE_URI_META_KEY } from '@modelcontextprotocol/ext-apps/server'
import type { Tool, ToolAnnotations } from '@modelcontextprotocol/server'
import type { Action, ActionView } from '../actions.js'
import { type Config, scopesOf } from '../../config.js'

/** How callers sign in, as ChatGPT reads it from a tool: none, or OAuth with these scopes. */
export type SecurityScheme = { type: 'noauth' } | { type: 'oauth2', scopes: string[] }

/** What the tool descriptors say about signing in, or nothing where the service only takes a static key. */
export interface HostSettings {
  securitySchemes?: SecurityScheme[]
  /** ChatGPT's widget domain (an https origin), from configuration. */
  widgetDomain?: string
}

/**
 * What the configuration makes the descriptors say: OAuth with its scopes where sign-in is asked
 * (OAUTH_ISSUER), no sign-in where none is (`noauth`), nothing where only a static API key is (no
 * host can send one for a person); ChatGPT's widget domain from WIDGET_DOMAIN, else PUBLIC_URL.
 */
export function hostSettingsOf (config: Config): HostSettings {
  const widgetDomain = config.WIDGET_DOMAIN ?? config.PUBLIC_URL
  const securitySchemes: SecurityScheme[] | undefined = config.OAUTH_ISSUER !== undefined
    ? [{ type: 'oauth2', scopes: scopesOf(config.OAUTH_SCOPES) }]
    : config.API_KEY === undefined ? [{ type: 'noauth' }] : undefined
  return {
    ...(securitySchemes !== undefined ? { securitySchemes } : {}),
    ...(widgetDomain !== undefined ? { widgetDomain } : {})
  }
}

/**
 * A consequential action (the GPT asks the user first) changes something outside the game and may
 * not be undone; any other only computes an answer. Neither reaches outside this service.
 */
export function annotationsOf (action: Action): ToolAnnotations {
  return action.consequential
    ? { title: action.title, readOnlyHint: false, destructiveHint: true, openWorldHint: false }
    : { title: action.title, readOnlyHint: true, destructiveHint: false, openWorldHint: false }
}

/** The tool descriptor's own fields beyond the MCP ones (ChatGPT's `securitySchemes`), and its `_meta`. */
export function toolHostFields (action: Action, settings: HostSettings): Pick<Tool, '_meta'> & { securitySchemes?: SecurityScheme[] } {
  const meta: Record<string, unknown> = {
    'openai/toolInvocation/invoking': action.status.invoking,
    'openai/toolInvocation/invoked': action.status.invoked
  }
  if (settings.securitySchemes !== undefined) meta.securitySchemes = settings.securitySchemes
  const uri = action.view?.uri
  if (uri !== undefined) {
    // The view calls the tool itself when the person clicks a cell.
    Object.assign(meta, {
      ui: { resourceUri: uri, visibility: ['model', 'app'] },
      [RESOURCE_URI_META_KEY]: uri,
      'openai/outputTemplate': uri,
      'openai/widgetAccessible': true
    })
  }
  return { ...(settings.securitySchemes !== undefined ? { securitySchemes: settings.securitySchemes } : {}), _meta: meta }
}

/**
 * What a host needs to show a view: no domain in its CSP (the view fetches nothing), a border
 * around it, what it shows (for ChatGPT's model), and ChatGPT's widget domain when configured.
 * Sent with the resource's content, where the spec says hosts read it, and in the list.
 */
export function viewMeta (view: ActionView, settings: HostSettings): Record<string, unknown> {
  return {
    ui: { csp: { connectDomains: [], resourceDomains: [] }, prefersBorder: true },
    'openai/widgetDescription': view.description,
    ...(settings.widgetDomain !== undefined ? { 'openai/widgetDomain': settings.widgetDomain } : {})
  }
}

/** GET /: what a GPT builder needs, ready to copy. */
import { isIP } from 'node:net'
import { networksOf } from '../../plugins/config.js'
import { copyable, escapeHtml, page } from './html.js'

/** The GPT editor takes four conversation starters. */
export const GPT_STARTERS_MAX = 4

/** How the GPT signs its calls: nothing, the API key, or OAuth with the issuer's endpoints (the GPT editor's fields). */
export type SetupAuth =
  | { type: 'none' }
  | { type: 'bearer' }
  | { type: 'oauth2', authorizationUrl: string, tokenUrl: string, scope: string, tokenExchangeMethod: string, issuer: string }

/** The GPT editor's name for how the client secret is sent, from the issuer's metadata. */
export function tokenExchangeMethod (supported: string[] | undefined): string {
  return supported === undefined || supported.includes('client_secret_post') ? 'Default (POST request)' : 'Basic authorization header'
}

function authSection (auth: SetupAuth): string {
  if (auth.type === 'none') {
    return '<p>Choose <b>None</b>: this deployment has no <code>API_KEY</code> set. To keep other callers out, set ' +
      '<code>API_KEY</code> and choose API Key / Bearer here, or set up sign-in (<code>OAUTH_ISSUER</code>).</p>'
  }
  if (auth.type === 'bearer') return '<p>Choose <b>API Key</b>, Auth Type <b>Bearer</b>, and paste the value of this deployment\'s <code>API_KEY</code>.</p>'
  return `<p>Choose <b>OAuth</b>. First register a client for this GPT at your authorization server (<code>${escapeHtml(auth.issuer)}</code>): a regular web application with the authorization-code grant. Then fill in:</p>
<p><b>Client ID</b> and <b>Client Secret</b>: the registered client's.</p>
<p><b>Authorization URL</b>:</p>
${copyable(auth.authorizationUrl)}
<p><b>Token URL</b>:</p>
${copyable(auth.tokenUrl)}
<p><b>Scope</b>:</p>
${copyable(auth.scope === '' ? '(none)' : auth.scope)}
<p><b>Token Exchange Method</b>: <b>${escapeHtml(auth.tokenExchangeMethod)}</b>.</p>
<p>Save the action: the editor then shows the GPT's <b>callback URL</b> (<code>https://chatgpt.com/aip/g-…/oauth/callback</code>). Add it to the client's allowed redirect (callback) URLs at the authorization server. The access tokens must be issued for this service's audience, its <code>OAUTH_AUDIENCE</code>.</p>`
}

/** The GPT's instructions and conversation starters: the actions' guides over their operationIds. */
export interface GptGuide { instructions: string, starters: readonly string[] }

/** Addresses no one on the internet reaches: this network, private, loopback, link-local, unspecified. */
const NOT_PUBLIC = networksOf('0.0.0.0/8,10.0.0.0/8,127.0.0.0/8,169.254.0.0/16,172.16.0.0/12,192.168.0.0/16,::/128,::1/128,fc00::/7,fe80::/10')

/** Whether ChatGPT's servers could reach `base`: an https address on a public host name. */
export function reachableByChatGpt (base: string): boolean {
  const { protocol, hostname } = new URL(base)
  const host = hostname.replace(/^\[|\]$/g, '')
  const family = isIP(host)
  const local = family !== 0
    ? NOT_PUBLIC.check(host, family === 4 ? 'ipv4' : 'ipv6')
    : host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || !host.includes('.')
  return protocol === 'https:' && !local
}

/** Said first on the page when ChatGPT cannot reach the address it gives. */
function unreachableWarning (base: string): string {
  const port = new URL(base).port || (base.startsWith('https') ? '443' : '80')
  return `<p class="warning"><b>ChatGPT cannot reach ${escapeHtml(base)}.</b> Its servers call the action over the internet, at an https address on
a public host name; this one is local, private or plain http. To try the GPT from this machine, expose the service through a tunnel (for example
<code>cloudflared tunnel --url http://127.0.0.1:${escapeHtml(port)}</code> or <code>ngrok http ${escapeHtml(port)}</code>), set <code>PUBLIC_URL</code>
to the tunnel's https address, restart, and open this page there.</p>`
}

export function setupPage (base: string, authentication: SetupAuth, guide: GptGuide): string {
  const auth = authSection(authentication)
  return page('Tic-tac-toe GPT action: setup', `
<h1>Tic-tac-toe opponent: create the GPT</h1>
${reachableByChatGpt(base) ? '' : unreachableWarning(base)}
<p>This service plays perfect tic-tac-toe as a GPT action. In the GPT editor, open <b>Configure</b>, then <b>Create new action</b>, and fill in the steps below.</p>
<p>First, from a clone of this service's repository, check what the editor will say of this deployment:</p>
${copyable(`npm run check:gpt -- ${base}`)}
<h2>1. Import the schema</h2>
<p>Click <b>Import from URL</b> and paste:</p>
${copyable(`${base}/openapi.json`)}
<h2>2. Authentication</h2>
${auth}
<h2>3. Privacy policy</h2>
${copyable(`${base}/privacy`)}
<h2>4. Instructions</h2>
<p>Paste into the GPT's <b>Instructions</b>:</p>
${copyable(guide.instructions, true)}
<h2>5. Conversation starters</h2>
${guide.starters.slice(0, GPT_STARTERS_MAX).map(starter => copyable(starter)).join('\n')}
<h2>Other clients: MCP</h2>
<p>ChatGPT apps and connectors, Claude and other MCP clients can use the same game as the tool <code>play_move</code> of the remote MCP server (Streamable HTTP) at:</p>
${copyable(`${base}/mcp`)}
<h2>Try it</h2>
<p>Play a move from the browser in the <a href="/docs">API docs</a>, or read the document as <a href="/openapi.yaml">YAML</a>. Service: <code>${escapeHtml(base)}</code>.</p>
`)
}

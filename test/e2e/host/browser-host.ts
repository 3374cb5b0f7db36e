/**
 * An MCP Apps host that runs entirely in a web page, as the ext-apps basic-host, the MCP
 * Inspector's direct mode and Microsoft 365's widget host do: the official v2 MCP client in the
 * page calls the server's /mcp across origins (CORS), and the official host side (AppBridge, given
 * that client, forwards the view's calls to the server by itself) shows the ui:// view in an iframe
 * sandboxed with allow-scripts alone. The page opens the board as a model would for a person who
 * moves first: play_move with an empty board.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client'
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge'

type Negotiation = 'legacy' | 'auto' | { pin: string }

interface BrowserHostWindow {
  startBrowserHost: (server: string, mode: Negotiation) => Promise<{ protocolVersion: string | undefined }>
}

(window as unknown as BrowserHostWindow).startBrowserHost = async (server, mode) => {
  const client = new Client({ name: 'browser-host', version: '1.0.0' }, { versionNegotiation: { mode } })
  await client.connect(new StreamableHTTPClientTransport(new URL(`${server}/mcp`)))
  const tool = (await client.listTools()).tools.find(one => one.name === 'play_move')
  const uri = (tool?._meta?.ui as { resourceUri: string }).resourceUri
  const html = ((await client.readResource({ uri })).contents[0] as { text: string }).text

  const frame = document.createElement('iframe')
  frame.setAttribute('sandbox', 'allow-scripts')
  frame.title = 'Tic-tac-toe board'
  document.body.appendChild(frame)
  const bridge = new AppBridge(client, { name: 'browser-host', version: '1.0.0' },
    { serverTools: {}, logging: {}, updateModelContext: { text: {}, structuredContent: {} } },
    { hostContext: { theme: 'light', platform: 'web' } })
  bridge.onupdatemodelcontext = async () => ({})
  bridge.onsizechange = ({ height }) => { if (height !== undefined) frame.style.height = `${height}px` }
  const initialized = new Promise<void>(resolve => { bridge.oninitialized = () => resolve() })
  await bridge.connect(new PostMessageTransport(frame.contentWindow as Window, frame.contentWindow as Window))
  frame.srcdoc = html
  await initialized

  // The model opens the board for a person who moves first: an empty board.
  const args = {}
  const result = await client.callTool({ name: 'play_move', arguments: args })
  await bridge.sendToolInput({ arguments: args })
  await bridge.sendToolResult(result as Parameters<AppBridge['sendToolResult']>[0])
  return { protocolVersion: client.getNegotiatedProtocolVersion() }
}

/**
 * A minimal MCP Apps host, as a chat client is one, bundled into a page for Chromium: the official
 * host side (AppBridge over PostMessageTransport) rendering a view into an iframe sandboxed with
 * allow-scripts alone, sized to the height the view asks for, as chat hosts size an inline view.
 * The MCP client lives in the Node process (npm run check:hosts, the board view's end-to-end
 * test): tool calls and model-context updates cross to it through functions it exposes on the page.
 */
import { AppBridge, type McpUiHostContext, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge'

interface HostWindow {
  hostCallTool: (params: unknown) => Promise<any>
  hostModelContext: (params: unknown) => Promise<void>
  startHost: (html: string, context: McpUiHostContext) => Promise<void>
  showToolCall: (args: Record<string, unknown>, result: any) => Promise<void>
  setHostContext: (context: McpUiHostContext) => void
  /** Every height the view has asked for, in order. */
  requestedHeights: number[]
}
const host = window as unknown as HostWindow
let bridge: AppBridge
host.requestedHeights = []

host.startHost = async (html, context) => {
  const frame = document.createElement('iframe')
  frame.setAttribute('sandbox', 'allow-scripts')
  frame.title = 'MCP App view'
  document.body.appendChild(frame)
  bridge = new AppBridge(null, { name: 'apps-host', version: '1.0.0' },
    { serverTools: {}, logging: {}, updateModelContext: { text: {}, structuredContent: {} } }, { hostContext: context })
  bridge.oncalltool = async params => await host.hostCallTool(params)
  bridge.onupdatemodelcontext = async params => {
    await host.hostModelContext(params)
    return {}
  }
  bridge.onsizechange = ({ height }) => {
    if (height === undefined) return
    host.requestedHeights.push(height)
    frame.style.height = `${height}px`
  }
  const initialized = new Promise<void>(resolve => { bridge.oninitialized = () => resolve() })
  await bridge.connect(new PostMessageTransport(frame.contentWindow as Window, frame.contentWindow as Window))
  frame.srcdoc = html
  await initialized
}

/** What a host does when the model calls the tool: the view gets the input, then the result. */
host.showToolCall = async (args, result) => {
  await bridge.sendToolInput({ arguments: args })
  await bridge.sendToolResult(result)
}

host.setHostContext = context => bridge.setHostContext(context)

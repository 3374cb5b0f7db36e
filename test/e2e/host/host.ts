/**
 * A minimal MCP Apps host, as a chat client is one, for the board view's end-to-end test: the
 * official host side (AppBridge over PostMessageTransport) rendering the view into an iframe
 * sandboxed with allow-scripts alone. The MCP client lives in the test process: tool calls and
 * model-context updates cross to it through functions the test exposes on the page.
 */
import { AppBridge, type McpUiHostContext, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge'

interface HostWindow {
  hostCallTool: (params: unknown) => Promise<any>
  hostModelContext: (params: unknown) => Promise<void>
  startHost: (html: string, context: McpUiHostContext) => Promise<void>
  showToolCall: (args: Record<string, unknown>, result: any) => Promise<void>
  setHostContext: (context: McpUiHostContext) => void
}
const host = window as unknown as HostWindow
let bridge: AppBridge

host.startHost = async (html, context) => {
  const frame = document.createElement('iframe')
  frame.setAttribute('sandbox', 'allow-scripts')
  frame.title = 'Tic-tac-toe board'
  document.body.appendChild(frame)
  bridge = new AppBridge(null, { name: 'test-host', version: '1.0.0' },
    { serverTools: {}, logging: {}, updateModelContext: { text: {}, structuredContent: {} } }, { hostContext: context })
  bridge.oncalltool = async params => await host.hostCallTool(params)
  bridge.onupdatemodelcontext = async params => {
    await host.hostModelContext(params)
    return {}
  }
  bridge.onsizechange = ({ height }) => { if (height !== undefined) frame.style.height = `${height}px` }
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

/**
 * What the door says of itself in both revisions: the actions' own instructions over their tools'
 * names (ChatGPT and Claude read them), and the MCP Apps extension among its capabilities.
 */
import { EXTENSION_ID, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server'
import t from 'tap'
import { gameGuide } from '../../../routes/human-move/guide.js'
import { buildApp } from '../../helper.js'

const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'catalog-test', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {}
}

t.test('initialize (2025) and server/discover (2026-07-28): the game\'s instructions and the MCP Apps extension', async t => {
  const app = await buildApp(t)
  const initialize = await app.inject({
    method: 'POST',
    url: '/mcp',
    headers: { accept: 'application/json, text/event-stream' },
    payload: {
      jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } }
    }
  })
  const discover = await app.inject({
    method: 'POST',
    url: '/mcp',
    headers: { accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'server/discover' },
    payload: { jsonrpc: '2.0', id: 2, method: 'server/discover', params: { _meta: ENVELOPE } }
  })
  for (const [revision, res] of [['2025', initialize], ['2026-07-28', discover]] as const) {
    const { result } = res.json()
    // (Another action's instructions may follow: a new folder under routes/ adds its own.)
    t.ok(result.instructions.includes(gameGuide.instructions('play_move')), `${revision}: the game's instructions, over the tool's name`)
    t.notMatch(result.instructions, 'humanMove', `${revision}: not the GPT's name`)
    t.same(result.capabilities.extensions, { [EXTENSION_ID]: { mimeTypes: [RESOURCE_MIME_TYPE] } }, `${revision}: the MCP Apps extension`)
  }
})

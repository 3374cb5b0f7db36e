/** A plugin package's settings and images for the tests: the rules' (test/scripts) and the real clients' (test/e2e). */
import { gameGuide } from '../routes/human-move/guide.js'
import type { PluginAction, PluginSettings } from '../scripts/plugin-package.js'

export const PLUGIN_URL = 'https://tictactoe.example.com'

export const SETTINGS: PluginSettings = {
  url: PLUGIN_URL,
  name: 'tic-tac-toe',
  version: '1.0.0',
  description: 'A perfect tic-tac-toe opponent.',
  license: 'MIT',
  keywords: ['tic-tac-toe'],
  repository: 'https://example.com/repo',
  displayName: 'Tic-tac-toe',
  shortDescription: 'A perfect tic-tac-toe opponent',
  longDescription: 'Play tic-tac-toe in the chat.',
  developerName: 'Example Games',
  category: 'Entertainment',
  capabilities: ['Interactive'],
  websiteURL: PLUGIN_URL,
  supportURL: 'mailto:games@example.com',
  brandColor: '#2F5FD0',
  brandColorDark: '#7AA2F7'
}

export const ACTIONS: PluginAction[] = [{ toolName: 'play_move', title: 'Play the AI\'s move', guide: gameGuide }]

/** A PNG's signature and header, enough for its size to be read. */
export function png (width: number, height: number): Uint8Array {
  const bytes = Buffer.alloc(33)
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes)
  bytes.writeUInt32BE(13, 8)
  bytes.write('IHDR', 12, 'latin1')
  bytes.writeUInt32BE(width, 16)
  bytes.writeUInt32BE(height, 20)
  return bytes
}

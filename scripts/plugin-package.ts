/**
 * The plugin package, as files, from the action definitions and the deployment's settings: the
 * Agent Plugins 1.0.0 manifest with OpenAI's presentation and review fields, a skill per action,
 * the MCP server, the same folder for Claude Code, a README, a LICENSE and the icons. What it writes
 * is checked by ./plugin-rules.ts; ./plugin.ts writes it to a folder and a ZIP.
 */
import type { ActionGuide, ReviewCase } from '../plugins/app/actions.js'

export const PLUGIN_SCHEMA = 'https://agent-plugins.org/schemas/1.0.0/plugin.schema.json'
export const MCP_SCHEMA = 'https://agent-plugins.org/schemas/1.0.0/mcp.schema.json'
/** ChatGPT's directory shows at most three default prompts, each with one screenshot. */
export const DEFAULT_PROMPTS_MAX = 3

/** What the package says of an action: its tool, and its guide. */
export interface PluginAction { toolName: string, title: string, guide: ActionGuide }

/** Everything the package says that is not in the actions: the builder's, with defaults that pass for this service. */
export interface PluginSettings {
  /** The deployment, without a trailing slash: its /mcp is the server. */
  url: string
  name: string
  version: string
  description: string
  license: string
  keywords: string[]
  repository?: string
  displayName: string
  shortDescription: string
  longDescription: string
  developerName: string
  category: string
  capabilities: string[]
  websiteURL: string
  supportURL: string
  brandColor: string
  brandColorDark: string
}

/** A file of the package by its path in the folder. */
export type PluginFiles = Map<string, string | Uint8Array>

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`

/** A skill's folder and name: the tool's, in the lowercase-and-hyphens form skills are named in. */
export const skillNameOf = (toolName: string): string => toolName.toLowerCase().replaceAll(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')

/** The game's icon: a 3x3 grid with two X and an O, in `glyph`, on a tile of `tile` (the logo) or bare (the composer's). */
export function iconSvg (glyph: string, tile: string | null): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
${tile === null ? '' : `<rect width="256" height="256" rx="56" fill="${tile}"/>\n`}<g stroke="${glyph}" stroke-width="12" stroke-linecap="round" fill="none">
<path d="M100 48v160M156 48v160M48 100h160M48 156h160"/>
<path d="M60 60l28 28M88 60l-28 28"/>
<circle cx="184" cy="184" r="16"/>
<path d="M116 172l24 24M140 172l-24 24"/>
</g>
</svg>
`
}

function skillFile (action: PluginAction): string {
  const name = skillNameOf(action.toolName)
  const description = action.guide.whenToUse ?? `Use when the user asks to ${action.title.charAt(0).toLowerCase()}${action.title.slice(1)}.`
  return `---\nname: ${name}\ndescription: ${JSON.stringify(description)}\n---\n\n${action.guide.instructions(action.toolName)}\n`
}

function readme (settings: PluginSettings, actions: readonly PluginAction[]): string {
  return `# ${settings.displayName}

${settings.longDescription}

## What it does
${actions.map(action => `- \`${action.toolName}\`: ${action.title}.`).join('\n')}

## Set up
- **ChatGPT and Codex**: install the plugin from the directory, or upload this folder's ZIP. It connects to the MCP server at
  ${settings.url}/mcp (Streamable HTTP).
- **Claude Code and Cowork**: \`claude plugin install\` this folder (\`.claude-plugin/plugin.json\`, \`.mcp.json\`), or add
  ${settings.url}/mcp as a custom connector in Claude.
- Sign-in, when the deployment asks for it, is OAuth: the host opens the sign-in page the first time the tool is used.

## Try it
${actions.flatMap(action => action.guide.starters).slice(0, DEFAULT_PROMPTS_MAX).map(prompt => `- "${prompt}"`).join('\n')}

## Policies
- Privacy policy: ${settings.url}/privacy
- Terms of use: ${settings.url}/terms
- Support: ${settings.supportURL}
`
}

function license (holder: string, year: number): string {
  return `MIT License

Copyright (c) ${year} ${holder}

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the
"Software"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to
the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY
CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE
SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
`
}

/** The review's cases: the actions' own, each positive one naming the tool it should trigger. */
function reviewCases (actions: readonly PluginAction[]) {
  const positive = actions.flatMap(action => (action.guide.review?.positive ?? []).map((test: ReviewCase) => ({
    description: test.description,
    prompt: test.prompt,
    tools_triggered: [action.toolName],
    expected_behavior: test.expected_behavior
  })))
  const negative = actions.flatMap(action => action.guide.review?.negative ?? []).map((test: ReviewCase) => ({ ...test }))
  return { positive, negative }
}

/** The package's files; `screenshots` are the board view's, one per default prompt (./plugin-shots.ts). */
export function pluginFiles (settings: PluginSettings, actions: readonly PluginAction[], screenshots: readonly Uint8Array[], year: number): PluginFiles {
  const files: PluginFiles = new Map()
  const prompts = actions.flatMap(action => action.guide.starters).slice(0, DEFAULT_PROMPTS_MAX)
  // What both manifests say of the plugin, the Agent Plugins one and Claude Code's.
  const about = {
    name: settings.name,
    version: settings.version,
    description: settings.description,
    author: { name: settings.developerName, url: settings.websiteURL },
    homepage: settings.websiteURL,
    ...(settings.repository !== undefined ? { repository: settings.repository } : {}),
    license: settings.license,
    keywords: settings.keywords
  }
  files.set('plugin.json', json({
    $schema: PLUGIN_SCHEMA,
    ...about,
    extensions: {
      'com.openai': {
        interface: {
          displayName: settings.displayName,
          shortDescription: settings.shortDescription,
          longDescription: settings.longDescription,
          developerName: settings.developerName,
          category: settings.category,
          capabilities: settings.capabilities,
          websiteURL: settings.websiteURL,
          supportURL: settings.supportURL,
          privacyPolicyURL: `${settings.url}/privacy`,
          termsOfServiceURL: `${settings.url}/terms`,
          defaultPrompt: prompts,
          brandColor: settings.brandColor,
          brandColorDark: settings.brandColorDark,
          logo: './assets/logo.svg',
          logoDark: './assets/logo-dark.svg',
          composerIcon: './assets/icon.svg',
          composerIconDark: './assets/icon-dark.svg',
          screenshots: screenshots.map((_, i) => `./assets/screenshot-${i + 1}.png`)
        },
        review: { test_cases: reviewCases(actions) }
      }
    }
  }))
  files.set('mcp.json', json({ $schema: MCP_SCHEMA, mcpServers: { [settings.name]: { type: 'streamable-http', url: `${settings.url}/mcp` } } }))
  for (const action of actions) files.set(`skills/${skillNameOf(action.toolName)}/SKILL.md`, skillFile(action))
  // The same folder for Claude Code and Cowork: their manifest, and the server as they name its transport.
  files.set('.claude-plugin/plugin.json', json({
    ...about,
    // What Claude's plugin directory lists beside the plugin (claude plugin validate --profile directory).
    privacyPolicyUrl: `${settings.url}/privacy`,
    termsOfServiceUrl: `${settings.url}/terms`
  }))
  files.set('.mcp.json', json({ mcpServers: { [settings.name]: { type: 'http', url: `${settings.url}/mcp` } } }))
  files.set('README.md', readme(settings, actions))
  files.set('LICENSE', license(settings.developerName, year))
  files.set('assets/logo.svg', iconSvg('#FFFFFF', settings.brandColor))
  files.set('assets/logo-dark.svg', iconSvg('#212121', settings.brandColorDark))
  files.set('assets/icon.svg', iconSvg(settings.brandColor, null))
  files.set('assets/icon-dark.svg', iconSvg(settings.brandColorDark, null))
  screenshots.forEach((png, i) => files.set(`assets/screenshot-${i + 1}.png`, png))
  return files
}

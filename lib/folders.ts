/**
 * The plugins of a folder, registered as @fastify/autoload registers them (each after the plugins it
 * names as dependencies; a folder of routes/ is its index), so adding an action is adding a folder.
 * The build replaces this module with the list of what the folders held, registered the same way.
 */
import { fileURLToPath } from 'node:url'
import autoload from '@fastify/autoload'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

export interface FolderOptions {
  /** The folder, from the project's root: plugins/external, plugins/app or routes. */
  dir: string
  /** What every plugin of the folder is given. */
  options?: Record<string, unknown>
}

async function folder (fastify: FastifyInstance, { dir, options = {} }: FolderOptions): Promise<void> {
  // Folder names are not URL prefixes: each route says its own path.
  await fastify.register(autoload, { dir: fileURLToPath(new URL(`../${dir}`, import.meta.url)), dirNameRoutePrefix: false, options })
}

// Not encapsulated, as autoload itself: the plugins' decorators belong to the app.
export default fp(folder, { fastify: '5.x' })

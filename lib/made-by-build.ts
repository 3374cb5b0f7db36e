/**
 * What the build made ahead of time, by key (./made-ahead.ts). Empty here: the built server's
 * bundle holds, in this module's place, the module the build writes.
 */
export const madeByBuild: ReadonlyMap<string, unknown> = new Map()

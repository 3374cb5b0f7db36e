/**
 * What the build made ahead of time, by key (./precompiled.ts). Empty here: the built server's
 * bundle holds, in this module's place, the module the build writes.
 */
export const prebuilt: ReadonlyMap<string, unknown> = new Map()

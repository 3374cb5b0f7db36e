/** The checks as a library: run them all against a server, or use the rules and the host page alone. */
export { type CheckHostsOptions, type CheckHostsResult, checkHosts, hostPage } from './check-hosts.js'
export * from './rules.js'

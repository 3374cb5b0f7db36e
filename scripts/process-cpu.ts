/** A process's CPU time as Linux counts it, for the bench and the tests that measure a server's own cost. */
import { readFileSync } from 'node:fs'

/** CPU time (user + system) the process has used so far, in seconds (/proc counts 1/100 s ticks). */
export function cpuSeconds (pid: number): number {
  // The command name in parentheses may hold spaces: the fields are counted after it.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

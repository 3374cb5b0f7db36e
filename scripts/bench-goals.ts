/**
 * The goals npm run bench checks: each figure is printed with its goal, and a missed goal is listed
 * at the end and makes the run's exit status 1, so a script or a person can tell at a glance.
 */
export interface Goals {
  /** The goal's words for the figure's line (`goal <= 2`, or `goal <= 2, MISSED`), noting a miss. */
  check: (name: string, value: number, holds: boolean, limit: string) => string
  /** The line that lists the missed goals (undefined when none was) and the exit status to set. */
  verdict: () => { line: string | undefined, exitCode: 0 | 1 }
}

export function benchGoals (): Goals {
  const missed: string[] = []
  return {
    check (name, value, holds, limit) {
      if (!holds) missed.push(`${name}: ${value.toFixed(2)} (goal ${limit})`)
      return `goal ${limit}${holds ? '' : ', MISSED'}`
    },
    verdict: () => missed.length === 0 ? { line: undefined, exitCode: 0 } : { line: `goals missed: ${missed.join('; ')}`, exitCode: 1 }
  }
}

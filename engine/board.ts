/**
 * The board: nine cells, positions 1-9 row by row (1 2 3 / 4 5 6 / 7 8 9).
 * Internally a cell is addressed by its index 0-8 (position - 1).
 */
export type Mark = 'X' | 'O'
export type Cell = Mark | ' '
export type Board = readonly Cell[]

export const EMPTY_BOARD: Board = Object.freeze(Array<Cell>(9).fill(' '))

/** The eight lines, as cell indexes. */
export const LINES: ReadonlyArray<readonly [number, number, number]> = [
  [0, 1, 2], [3, 4, 5], [6, 7, 8],
  [0, 3, 6], [1, 4, 7], [2, 5, 8],
  [0, 4, 8], [2, 4, 6]
]

export const CENTER = 4
export const CORNERS: readonly number[] = [0, 2, 6, 8]

export function opponentOf (mark: Mark): Mark {
  return mark === 'X' ? 'O' : 'X'
}

export function emptyCells (board: Board): number[] {
  const cells: number[] = []
  for (let i = 0; i < 9; i++) if (board[i] === ' ') cells.push(i)
  return cells
}

export function place (board: Board, cell: number, mark: Mark): Board {
  const next = board.slice()
  next[cell] = mark
  return next
}

/** Lines completed by `mark`, as cell indexes. */
export function linesOf (board: Board, mark: Mark): Array<readonly [number, number, number]> {
  return LINES.filter(line => line.every(cell => board[cell] === mark))
}

/** Empty cells where `mark` would complete a line at once. */
export function winningCells (board: Board, mark: Mark): number[] {
  const cells = new Set<number>()
  for (const line of LINES) {
    const own = line.filter(cell => board[cell] === mark).length
    const empty = line.filter(cell => board[cell] === ' ')
    if (own === 2 && empty.length === 1) cells.add(empty[0])
  }
  return [...cells].sort((a, b) => a - b)
}

/**
 * A base-3 number that identifies the board (empty 0, X 1, O 2; cell 0 is the lowest digit).
 * 3^9 = 19,683 keys: small enough to index plain typed arrays.
 */
export function boardKey (board: Board): number {
  let key = 0
  for (let i = 8; i >= 0; i--) {
    const cell = board[i]
    key = key * 3 + (cell === 'X' ? 1 : cell === 'O' ? 2 : 0)
  }
  return key
}

export const KEY_SPACE = 19683

/** The board drawn as text, free cells showing their position number. */
export function boardText (board: Board): string {
  const rows: string[] = []
  for (let r = 0; r < 3; r++) {
    const row = [0, 1, 2].map(c => {
      const i = r * 3 + c
      return board[i] === ' ' ? String(i + 1) : board[i]
    })
    rows.push(` ${row.join(' | ')}`)
  }
  return rows.join('\n---+---+---\n')
}

/**
 * The board view's logic, apart from the page so it can be tested alone: the game's state from a
 * play_move call (its arguments and its result), the arguments of the next call, and what the
 * model is told after a move made in the view. No DOM, no network.
 */
import { type Mark, boardText as drawBoard } from '../../engine/board.js'
import { DIFFICULTIES, type Difficulty } from '../../engine/policies.js'
import type { MoveAnswer } from '../../routes/human-move/schema.js'

export type { Difficulty, Mark, MoveAnswer }
export type Cell = Mark | ''

export interface GameState {
  cells: Cell[]
  aiPlayer: Mark
  difficulty: Difficulty
  /** Whose turn it is, or null when the game is over. */
  next: Mark | null
  /** Set once the game is over: the winner's mark, or 'Draw'. */
  outcome: Mark | 'Draw' | null
  winningLine: number[]
  /** The cell the AI played last, to point it out. */
  aiMove: number | null
  message: string
}

const CELLS = [1, 2, 3, 4, 5, 6, 7, 8, 9]

const markOf = (value: unknown): Cell => {
  const mark = typeof value === 'string' ? value.trim().toUpperCase() : ''
  return mark === 'X' || mark === 'O' ? mark : ''
}

/** The game's settings from a call's arguments, with the server's defaults. */
function settingsOf (args: Record<string, unknown>): { aiPlayer: Mark, difficulty: Difficulty } {
  const difficulty = typeof args.difficulty === 'string' ? args.difficulty.trim().toLowerCase() : ''
  return {
    aiPlayer: markOf(args.ai_player) === 'X' ? 'X' : 'O',
    difficulty: (DIFFICULTIES as readonly string[]).includes(difficulty) ? difficulty as Difficulty : 'hard'
  }
}

export function newGame (aiPlayer: Mark = 'O', difficulty: Difficulty = 'hard'): GameState {
  return { cells: CELLS.map(() => ''), aiPlayer, difficulty, next: 'X', outcome: null, winningLine: [], aiMove: null, message: '' }
}

/**
 * The board while a call runs: its arguments, with the player's new cell placed. Partial
 * arguments (streamed while the model writes them) are fine: what is missing is empty.
 */
export function stateFromInput (args: Record<string, unknown> = {}): GameState {
  const { aiPlayer, difficulty } = settingsOf(args)
  const cells = CELLS.map(cell => markOf(args[`position_${cell}`]))
  const human = Number(args.human_position)
  if (Number.isInteger(human) && human >= 1 && human <= 9 && cells[human - 1] === '') cells[human - 1] = aiPlayer === 'X' ? 'O' : 'X'
  return { ...newGame(aiPlayer, difficulty), cells, next: aiPlayer, message: '' }
}

/** The game after a call: the server's board and words, and the settings the call was made with. */
export function stateFromResult (answer: MoveAnswer, args: Record<string, unknown> = {}): GameState {
  const { aiPlayer, difficulty } = settingsOf(args)
  const outcome = answer.status === 'end' ? (answer.winner === 'X' || answer.winner === 'O' ? answer.winner : 'Draw') : null
  return {
    cells: CELLS.map(cell => markOf(answer.positions[`position_${cell}` as keyof MoveAnswer['positions']])),
    aiPlayer,
    difficulty,
    next: answer.next_player,
    outcome,
    winningLine: answer.winning_line ?? [],
    aiMove: answer.ai_move?.position ?? null,
    message: answer.message
  }
}

export const humanMark = (state: GameState): Mark => state.aiPlayer === 'X' ? 'O' : 'X'

/** Whether the player may click this cell now. */
export function canPlay (state: GameState, cell: number): boolean {
  return state.outcome === null && state.next === humanMark(state) && state.cells[cell - 1] === ''
}

/** play_move's arguments for the player's click on a cell: the board as it is, and the new cell. */
export function moveArguments (state: GameState, cell: number): Record<string, string | number> {
  const args: Record<string, string | number> = {}
  state.cells.forEach((mark, i) => { if (mark !== '') args[`position_${i + 1}`] = mark })
  return { ...args, human_position: cell, ai_player: state.aiPlayer, difficulty: state.difficulty }
}

/** play_move's arguments that let the AI open a new game, or null when the player opens. */
export function openingArguments (aiFirst: boolean, difficulty: Difficulty): Record<string, string> | null {
  return aiFirst ? { ai_player: 'X', difficulty } : null
}

/** The state in words, to the player in the view or about the player to the model. */
export function statusText (state: GameState, to: 'player' | 'model' = 'player'): string {
  const human = humanMark(state)
  const player = to === 'player' ? 'You' : `The player (${human})`
  if (state.outcome === 'Draw') return 'Draw: the board is full.'
  if (state.outcome === human) return `${player} ${to === 'player' ? 'win' : 'won'} with ${state.winningLine.join('-')}.`
  if (state.outcome !== null) return `The AI (${state.outcome}) ${to === 'player' ? 'wins' : 'won'} with ${state.winningLine.join('-')}.`
  if (state.next === human) return to === 'player' ? `Your turn: you play ${human}.` : `It is the player's turn (${human}).`
  return to === 'player' ? 'The AI is thinking…' : `It is the AI's turn (${state.aiPlayer}).`
}

/** The board as a text grid, free cells numbered: the engine's own drawing, as in the server's board_text. */
export function boardText (cells: Cell[]): string {
  return drawBoard(cells.map(mark => mark === '' ? ' ' : mark))
}

/** What the model is told after a move made in the view, so the conversation keeps up. */
export function modelContext (state: GameState): { text: string, structured: Record<string, unknown> } {
  const positions = Object.fromEntries(state.cells.map((mark, i) => [`position_${i + 1}`, mark]))
  const text = `The player is playing tic-tac-toe in the board view (player ${humanMark(state)}, AI ${state.aiPlayer}, ${state.difficulty}). ` +
    `${statusText(state, 'model')} ${state.message}\n\n${boardText(state.cells)}`
  return {
    text,
    structured: {
      positions,
      next_player: state.next,
      status: state.outcome === null ? 'continue' : 'end',
      winner: state.outcome ?? 'No winner',
      ai_player: state.aiPlayer,
      difficulty: state.difficulty
    }
  }
}

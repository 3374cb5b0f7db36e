/**
 * The board as an MCP App view: drawn from play_move's input and result, played by clicking (or
 * with the keyboard), every move a play_move call through the host's bridge. The view has no
 * network, storage or cookies of its own; all goes through the host.
 */
import { App, type McpUiHostContext, applyDocumentTheme, applyHostFonts, applyHostStyleVariables } from '@modelcontextprotocol/ext-apps'
import { PLAY_MOVE } from '../../routes/human-move/names.js'
import { FROM_VIEW, VIEW_CALL_META } from '../../plugins/app/mcp-catalog/view-call.js'
import {
  type Difficulty, type GameState, type MoveAnswer, canPlay, humanMark, modelContext, moveArguments, newGame,
  openingArguments, stateFromInput, stateFromResult, statusText
} from './state.js'

const main = document.querySelector('.main') as HTMLElement
const status = document.getElementById('status') as HTMLElement
const message = document.getElementById('message') as HTMLElement
const error = document.getElementById('error') as HTMLElement
const buttons = [...document.querySelectorAll<HTMLButtonElement>('#board button')]
const newGameButton = document.getElementById('new-game') as HTMLButtonElement
const first = document.getElementById('first') as HTMLSelectElement
const difficulty = document.getElementById('difficulty') as HTMLSelectElement

let state: GameState = newGame()
/** True while a call made from the view waits for its answer: no second click meanwhile. */
let busy = false

function draw (): void {
  const human = humanMark(state)
  buttons.forEach((button, i) => {
    const cell = i + 1
    const mark = state.cells[i]
    button.textContent = mark
    button.dataset.mark = mark
    button.setAttribute('aria-label', `${cell}, ${mark === '' ? 'empty' : mark}${state.winningLine.includes(cell) ? ', winning line' : ''}`)
    button.disabled = busy || !canPlay(state, cell)
    button.classList.toggle('win', state.winningLine.includes(cell))
    button.classList.toggle('last', state.aiMove === cell)
  })
  status.textContent = busy ? 'The AI is thinking…' : statusText(state)
  message.textContent = state.message
  main.dataset.player = human
}

/** The New game choices follow the game the model started, until the player changes them. */
function showSettings (): void {
  first.value = state.aiPlayer === 'X' ? 'ai' : 'me'
  difficulty.value = state.difficulty
}

function showError (text: string | null): void {
  error.hidden = text === null
  error.textContent = text ?? ''
}

const app = new App({ name: 'Tic-tac-toe board', version: '1.0.0' }, {}, { autoResize: true })

function applyHostContext (context: McpUiHostContext): void {
  if (context.theme !== undefined) applyDocumentTheme(context.theme)
  if (context.styles?.variables !== undefined) applyHostStyleVariables(context.styles.variables)
  if (context.styles?.css?.fonts !== undefined) applyHostFonts(context.styles.css.fonts)
  const insets = context.safeAreaInsets
  if (insets !== undefined) main.style.padding = `${12 + insets.top}px ${12 + insets.right}px ${12 + insets.bottom}px ${12 + insets.left}px`
}

/** The arguments of the call the model made, kept to read its settings with its result. */
let modelArguments: Record<string, unknown> = {}
/** The game before the model's call began, shown again if the server refuses that call. */
let beforeCall: GameState = state

app.ontoolinputpartial = ({ arguments: args }) => {
  if (state.message !== '' || state.outcome !== null) beforeCall = state
  state = stateFromInput(args)
  draw()
}
app.ontoolinput = ({ arguments: args }) => {
  modelArguments = args ?? {}
  beforeCall = state
  state = stateFromInput(args)
  draw()
}
app.ontoolresult = result => {
  if (result.isError === true) {
    state = beforeCall
    draw()
    showError(textOf(result.content))
    return
  }
  showError(null)
  state = stateFromResult(result.structuredContent as unknown as MoveAnswer, modelArguments)
  showSettings()
  draw()
}
app.ontoolcancelled = () => {
  showError('The move was cancelled.')
}
app.onhostcontextchanged = applyHostContext
app.onteardown = async () => ({})
app.onerror = (problem: Error) => { showError(`Something went wrong: ${problem.message}`) }

function textOf (content: unknown): string {
  const first = Array.isArray(content) ? content.find(item => item?.type === 'text') : undefined
  return typeof first?.text === 'string' ? first.text : 'The game server refused the move.'
}

/**
 * One play_move call from the view; the board shows the server's answer, the model is told. A
 * refusal shows its message over `before`, the game as it was before the click. Never rejects.
 */
async function play (args: Record<string, unknown>, before: GameState): Promise<void> {
  busy = true
  showError(null)
  draw()
  try {
    // _meta tells the server the move was clicked in the view (counted apart in its metrics).
    const result = await app.callServerTool({ name: PLAY_MOVE, arguments: args, _meta: { [VIEW_CALL_META]: FROM_VIEW } })
    if (result.isError === true) {
      state = before
      showError(textOf(result.content))
    } else {
      state = stateFromResult(result.structuredContent as unknown as MoveAnswer, args)
      const context = modelContext(state)
      await app.updateModelContext({ content: [{ type: 'text', text: context.text }], structuredContent: context.structured })
    }
  } catch (problem) {
    state = before
    showError(`Could not reach the game: ${(problem as Error).message}`)
  } finally {
    busy = false
    draw()
  }
}

buttons.forEach((button, i) => {
  button.addEventListener('click', () => {
    if (busy || !canPlay(state, i + 1)) return
    const before = state
    // The player's mark shows at once, while the call runs.
    state = { ...before, cells: before.cells.map((mark, j) => j === i ? humanMark(before) : mark), message: '' }
    play(moveArguments(before, i + 1), before)
  })
  // Arrow keys move between cells, as in a grid.
  button.addEventListener('keydown', event => {
    const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -3, ArrowDown: 3 }[event.key]
    if (step === undefined) return
    event.preventDefault()
    buttons[(i + step + 9) % 9].focus()
  })
})

// A plain button, not a form: the host's sandbox (allow-scripts alone) blocks form submission.
newGameButton.addEventListener('click', () => {
  const level = difficulty.value as Difficulty
  const opening = openingArguments(first.value === 'ai', level)
  state = newGame(opening === null ? 'O' : 'X', level)
  showError(null)
  draw()
  if (opening !== null) play(opening, state)
})

draw()
app.connect().then(() => {
  const context = app.getHostContext()
  if (context !== undefined) applyHostContext(context)
}, (problem: Error) => showError(`Could not connect to the chat: ${problem.message}`))

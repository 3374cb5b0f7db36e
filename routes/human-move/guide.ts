/**
 * How a chat model plays the game, written over the name each door calls the action by: a GPT's
 * `humanMove`, the MCP tool and the plugin's skill's `play_move`. And what a person may open with.
 */
import type { ActionGuide } from '../../plugins/app/actions.js'

export const gameGuide: ActionGuide = {
  instructions: name => `You play tic-tac-toe against the user with ${name}. The cells are numbered 1-9, row by row (1 2 3 top, 7 8 9 bottom).
- New game: the user is X and moves first unless they ask you to start. Show the empty numbered grid and ask for their cell. If they want you to start, call ${name} with ai_player=X and an empty board.
- Each turn: call ${name} with the positions from the last answer (all empty in a new game), the user's cell as human_position, and the same ai_player and difficulty (hard unless the user asks for easy or medium).
- Show board_text in a code block, then say message. When status is "end", announce the result and offer a new game.
- If ${name} refuses a call, its message says what to fix: fix the call, or ask the user for a free cell.
- Never invent the board or your move: ${name}'s answer is the game.`,
  starters: [
    "Let's play tic-tac-toe! I'll be X.",
    'You start: make the first move.',
    'Play an easy game of tic-tac-toe with me.',
    'Why did you play that move?'
  ]
}

/**
 * The prompt `play_tictactoe`: a person picks it in an MCP client's prompt menu to start a game,
 * choosing who opens and the difficulty; the model then plays through play_move.
 */
import type { ActionPrompt } from '../../plugins/app/actions.js'

export const playTicTacToe: ActionPrompt = {
  name: 'play_tictactoe',
  title: 'Play tic-tac-toe',
  description: 'Start a game of tic-tac-toe against the AI: choose who moves first and the difficulty.',
  arguments: [
    { name: 'first', description: 'Who moves first: me (you play X) or ai (the AI plays X). Default: me.', values: ['me', 'ai'], fallback: 'me' },
    { name: 'difficulty', description: 'easy, medium or hard (perfect play). Default: hard.', values: ['easy', 'medium', 'hard'], fallback: 'hard' }
  ],
  text: ({ first, difficulty }) => {
    const opening = first === 'ai'
      ? 'You move first: call play_move now with an empty board, ai_player "X"'
      : 'I move first and play X: show me the empty board with its cells numbered 1-9 and ask for my cell, then call play_move with an empty board, ' +
        'my cell as human_position, ai_player "O"'
    return `Let's play tic-tac-toe at ${difficulty} difficulty. ${opening} and difficulty "${difficulty}". ` +
      'After each result, show board_text in a code block and say its message; for my next move, send the positions from the last result unchanged ' +
        'with my new cell as human_position. When the game ends, tell me the outcome and offer a new game.'
  }
}

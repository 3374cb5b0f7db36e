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
  ],
  // What each of the first three starters leads to: the board after the player's centre, after the
  // AI's opening, and an easy game after the player's corner.
  examples: [{ human_position: 5 }, { ai_player: 'X' }, { human_position: 1, difficulty: 'easy' }],
  whenToUse: 'Use when the user wants to play tic-tac-toe (noughts and crosses) against the AI: starting a game, choosing who opens or how hard ' +
    'the AI plays, making a move, or asking why the AI played a cell. The tool plays the AI\'s move and keeps the board; never invent either.',
  review: {
    positive: [
      {
        description: 'Starts a game with the user as X',
        prompt: "Let's play tic-tac-toe! I'll be X. I take the center.",
        expected_behavior: 'Calls play_move with human_position 5 on an empty board, shows the board with the AI\'s O, and asks for the next cell.'
      },
      {
        description: 'Lets the AI open',
        prompt: 'You start: make the first move in a game of tic-tac-toe.',
        expected_behavior: 'Calls play_move with ai_player X and an empty board, shows the AI\'s first X, and asks the user for a cell.'
      },
      {
        description: 'Plays an easy game',
        prompt: 'Play an easy game of tic-tac-toe with me. I take the top left corner.',
        expected_behavior: 'Calls play_move with difficulty easy and human_position 1, then shows the board and asks for the next cell.'
      },
      {
        description: 'Explains a move',
        prompt: "We're playing tic-tac-toe: I took 1, you took 5. Why did you play 5?",
        expected_behavior: 'Uses the reason in play_move\'s answer to explain the AI\'s move, without inventing another board.'
      },
      {
        description: 'Refuses a taken cell and asks again',
        prompt: "In our tic-tac-toe game I'm X at 1 and you're O at 5. I take 5.",
        expected_behavior: 'play_move refuses the taken cell; the model says cell 5 is taken and asks the user for a free cell.'
      }
    ],
    negative: [
      {
        description: 'Another game',
        prompt: "Let's play chess. I open with e4.",
        expected_behavior: 'Does not call play_move: tic-tac-toe is the only game it plays.'
      },
      {
        description: 'A question about the game\'s history',
        prompt: 'Where does the name tic-tac-toe come from?',
        expected_behavior: 'Answers from general knowledge without calling play_move: no game is being played.'
      },
      {
        description: 'An unrelated task',
        prompt: 'Write a haiku about the sea.',
        expected_behavior: 'Does not call play_move.'
      }
    ]
  }
}

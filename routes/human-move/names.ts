/**
 * The names the game's action goes by at the MCP door: its tool, and the view of its result.
 * Shared by the action (./index.ts) and the board view (views/board), which imports them: a module
 * of its own, with nothing else in it, for the view's bundle.
 */
/** `play_move` is the tool's name since the first MCP release: kept, though the operationId says humanMove. */
export const PLAY_MOVE = 'play_move'
export const BOARD_VIEW_URI = 'ui://tictactoe/board.html'

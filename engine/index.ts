/** The tic-tac-toe engine: pure functions, no I/O, no web code. */
export { type Board, type Cell, type Mark, EMPTY_BOARD, LINES, boardKey, boardText, emptyCells, opponentOf, place, winningCells } from './board.js'
export { type Analysis, type Position, type PositionError, type PositionErrorCode, analyzePosition, legalPosition } from './rules.js'
export { PREFERENCE, type SolvedPositions, WIN, bestMove, scoreOfMove, solveAll, solvedPositions, useSolvedPositions } from './solver.js'
export { type Difficulty, type RandomSource, DIFFICULTIES, chooseMove, seededRandom } from './policies.js'
export { type Explanation, type ReasonCode, explainMove, forkCells } from './explain.js'
export { type Turn, type TurnError, type TurnErrorCode, type TurnRequest, type TurnResult, playTurn } from './turn.js'
export { type GameCounts, countGames, reachablePositions } from './tree.js'

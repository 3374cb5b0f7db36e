import t from 'tap'
import { type Mark, playTurn, seededRandom } from '../../engine/index.js'

const cells = (s: string): string[] => [...s].map(c => c === '.' ? ' ' : c)

t.test('the AI opens as X on an empty board', async t => {
  const result = playTurn({ cells: cells('.........'), aiPlayer: 'X', difficulty: 'hard' })
  t.match(result, { ok: true, turn: { move: 5, explanation: { reason: 'center' }, position: { turn: 'O', xCount: 1 } } })
})

t.test("the person's move is placed before the AI answers", async t => {
  const result = playTurn({ cells: cells('.........'), aiPlayer: 'O', difficulty: 'hard', humanPosition: 1 })
  t.match(result, { ok: true, turn: { move: 5, position: { board: cells('X...O....'), turn: 'X' } } })
})

t.test('a finished game is no error: no move', async t => {
  t.match(playTurn({ cells: cells('XXXOO....'), aiPlayer: 'O', difficulty: 'hard' }),
    { ok: true, turn: { move: null, explanation: null, position: { winner: 'X', winningLine: [1, 2, 3] } } })
  t.match(playTurn({ cells: cells('XX.OO....'), aiPlayer: 'O', difficulty: 'hard', humanPosition: 3 }),
    { ok: true, turn: { move: null, position: { winner: 'X', finished: true } } }, 'the person wins with their move')
})

t.test('the AI wins and the game ends', async t => {
  t.match(playTurn({ cells: cells('XX.OO.X..'), aiPlayer: 'O', difficulty: 'hard' }),
    { ok: true, turn: { move: 6, explanation: { reason: 'win' }, position: { winner: 'O', turn: null, winningLine: [4, 5, 6] } } })
})

t.test('each wrong call has its own code and message', async t => {
  const cases: Array<[Parameters<typeof playTurn>[0], string, string]> = [
    [{ cells: cells('XXX......'), aiPlayer: 'O', difficulty: 'hard' }, 'too_many_x', 'X has played too often: the board has 3 X and 0 O. X moves ' +
      'first and the players alternate, so X has as many marks as O or one more.'],
    [{ cells: cells('XXXOO....'), aiPlayer: 'O', difficulty: 'hard', humanPosition: 6 }, 'game_over', 'No move can be added: X has already won. Start ' +
      'a new game with an empty board.'],
    [{ cells: cells('XOXXOOOXX'), aiPlayer: 'O', difficulty: 'hard', humanPosition: 6 }, 'game_over', 'No move can be added: the game is a draw. ' +
      'Start a new game with an empty board.'],
    [{ cells: cells('X........'), aiPlayer: 'O', difficulty: 'hard', humanPosition: 2 }, 'not_human_turn', "It is O's turn, not the player's (X): the " +
      "board has 1 X and 0 O, so the player's move is already on the board or the sides are swapped."],
    [{ cells: cells('X...O....'), aiPlayer: 'O', difficulty: 'hard', humanPosition: 5 }, 'cell_taken', 'Position 5 is already taken by O; the free ' +
      'positions are 2, 3, 4, 6, 7, 8, 9.'],
    [{ cells: cells('X...O....'), aiPlayer: 'O', difficulty: 'hard' }, 'not_ai_turn', "It is X's turn, not the AI's (O): the board has 1 X and 1 O."],
    [{ cells: cells('.........'), aiPlayer: 'X', difficulty: 'hard', humanPosition: 5 }, 'not_human_turn', "It is X's turn, not the player's (O): the " +
      "board is empty, so the player's move is already on the board or the sides are swapped."]
  ]
  for (const [request, code, message] of cases) t.same(playTurn(request), { ok: false, error: { code, message } }, code)
})

t.test('an empty board with the person to move is a new game: no move, X to play', async t => {
  t.match(playTurn({ cells: cells('.........'), aiPlayer: 'O', difficulty: 'hard' }),
    { ok: true, turn: { move: null, explanation: null, position: { turn: 'X', finished: false, xCount: 0, oCount: 0 } } })
  t.match(playTurn({ cells: cells('.........'), aiPlayer: 'X', difficulty: 'hard' }), { ok: true, turn: { move: 5 } }, 'the AI opens when it is X')
})

t.test('a seeded game is the same twice', async t => {
  const game = (seed: number): number[] => {
    const random = seededRandom(seed)
    const ai: Mark = 'O'
    let board = cells('.........')
    const moves: number[] = []
    for (;;) {
      const free = board.flatMap((c, i) => c === ' ' ? [i + 1] : [])
      const human = free[Math.floor(random() * free.length)]
      const result = playTurn({ cells: board, aiPlayer: ai, difficulty: 'easy', humanPosition: human }, random)
      if (!result.ok) throw new Error(result.error.message)
      moves.push(human)
      if (result.turn.move !== null) moves.push(result.turn.move)
      board = [...result.turn.position.board]
      if (result.turn.position.finished) return moves
    }
  }
  t.same(game(3), game(3))
  t.ok(game(3).length >= 5)
})

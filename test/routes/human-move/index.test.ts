import t from 'tap'
import { seededRandom } from '../../../engine/index.js'
import { boardQuery, buildApp } from '../../helper.js'

const EMPTY_POSITIONS = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`position_${i + 1}`, '']))

t.test("the original GPT's call: nine position_N parameters, the person's X already placed", async t => {
  const app = await buildApp(t)
  const res = await app.inject(boardQuery('X........'))
  t.equal(res.statusCode, 200)
  t.same(res.json(), {
    board: [['X', ' ', ' '], [' ', 'O', ' '], [' ', ' ', ' ']],
    status: 'continue',
    winner: 'No winner',
    ai_move: { position: 5, row: 2, column: 2 },
    reason: 'center',
    message: "O takes the center. It is X's turn.",
    next_player: 'X',
    winning_line: null,
    positions: { ...EMPTY_POSITIONS, position_1: 'X', position_5: 'O' },
    board_text: ' X | 2 | 3\n---+---+---\n 4 | O | 6\n---+---+---\n 7 | 8 | 9'
  })
})

t.test('the original sends every position, empty ones as empty strings', async t => {
  const app = await buildApp(t)
  const query = new URLSearchParams({ ...EMPTY_POSITIONS, position_1: 'X', position_5: 'O', position_9: 'X' })
  const res = await app.inject(`/human_move?${query}`)
  t.equal(res.statusCode, 200)
  t.match(res.json(), { ai_move: { position: 2 }, reason: 'threat', message: 'O plays 2, two in a row, so X must answer at 8. It is X\'s turn.' })
})

t.test('lowercase marks, stray spaces, odd case in difficulty and unknown parameters are accepted', async t => {
  const app = await buildApp(t)
  const res = await app.inject('/human_move?position_1=x&position_5=%20O%20&position_9=x&difficulty=HARD&foo=bar')
  t.equal(res.statusCode, 200)
  t.equal(res.json().ai_move.position, 2)
})

t.test('human_position: the service places the person\'s move, then answers', async t => {
  const app = await buildApp(t)
  const res = await app.inject(boardQuery('.........', { human_position: 1 }))
  t.equal(res.statusCode, 200)
  t.match(res.json(), { ai_move: { position: 5 }, positions: { position_1: 'X', position_5: 'O' } })
})

t.test('ai_player=X with an empty board lets the AI open', async t => {
  const app = await buildApp(t)
  const res = await app.inject('/human_move?ai_player=X')
  t.equal(res.statusCode, 200)
  t.match(res.json(), { ai_move: { position: 5 }, message: "X takes the center. It is O's turn.", next_player: 'O' })
})

t.test('the AI wins, and the answer tells it', async t => {
  const app = await buildApp(t)
  const res = await app.inject(boardQuery('XX.OO.X..'))
  t.same(res.json().winning_line, [4, 5, 6])
  t.match(res.json(), {
    status: 'end',
    winner: 'O',
    ai_move: { position: 6, row: 2, column: 3 },
    reason: 'win',
    message: 'O completes the line 4-5-6 and wins.',
    next_player: null
  })
})

t.test('a finished game is not an error: 200, status end, no move', async t => {
  const app = await buildApp(t)
  const won = await app.inject(boardQuery('XXXOO....'))
  t.equal(won.statusCode, 200)
  t.match(won.json(), { status: 'end', winner: 'X', ai_move: null, reason: null, message: 'X wins with 1-2-3. The game is over.', winning_line: [1, 2, 3] })
  const draw = await app.inject(boardQuery('XOXXOOOXX'))
  t.match(draw.json(), { status: 'end', winner: 'Draw', ai_move: null, message: 'The board is full: the game is a draw.', winning_line: null })
  const drawnByAi = await app.inject(boardQuery('XOXXOOOX.', { ai_player: 'X' }))
  t.match(drawnByAi.json(), { status: 'end', winner: 'Draw', ai_move: { position: 9 }, message: 'X takes corner 9. The board is full: the game is a draw.' })
})

t.test('every class of impossible board gets a 400 that says what is wrong and how to fix it', async t => {
  const app = await buildApp(t)
  const resend = 'Send the board exactly as the last answer gave it in positions.'
  const cases: Array<[string, Record<string, string | number>, string, string]> = [
    ['XX.......', {}, 'too_many_x', 'X has played too often: the board has 2 X and 0 O. X moves first and the players alternate, so X has as many ' +
      `marks as O or one more. ${resend}`],
    ['O........', {}, 'too_many_o', `O has played too often: the board has 0 X and 1 O. X moves first, so O never has more marks than X. ${resend}`],
    ['XXXOOO...', {}, 'both_won', `Both X and O have three in a row; the game stops at the first line, so this cannot happen. ${resend}`],
    ['XXXOO.O..', {}, 'o_moved_after_x_won', 'X already has three in a row, but O moved after that (the board has 3 X and 3 O); the game ends at the ' +
      `first line. ${resend}`],
    ['OOOXX.XX.', {}, 'x_moved_after_o_won', 'O already has three in a row, but X moved after that (the board has 4 X and 3 O); the game ends at the ' +
      `first line. ${resend}`],
    ['XXXOO.XXX', {}, 'two_separate_lines', 'X has two separate lines of three; one last move can complete two lines only where they cross, so the ' +
      `game would have ended earlier. ${resend}`],
    ['X...O....', {}, 'not_ai_turn', "It is X's turn, not the AI's (O): the board has 1 X and 1 O. Add the player's move to the board, or pass it as " +
      'human_position.'],
    ['X........', { human_position: 2 }, 'not_human_turn', "It is O's turn, not the player's (X): the board has 1 X and 0 O, so the player's move is " +
      'already on the board or the sides are swapped. Send the board without human_position, or check ai_player.'],
    ['X...O....', { human_position: 5 }, 'cell_taken', 'Position 5 is already taken by O; the free positions are 2, 3, 4, 6, 7, 8, 9. Ask the player ' +
      'for one of those and send it as human_position.'],
    ['XXXOO....', { human_position: 6 }, 'game_over', 'No move can be added: X has already won. Start a new game with an empty board. To play again, ' +
      'call with an empty board.']
  ]
  for (const [board, extra, code, message] of cases) {
    const res = await app.inject(boardQuery(board, extra))
    t.equal(res.statusCode, 400, code)
    t.same(res.json(), { statusCode: 400, error: 'Bad Request', code, message }, code)
  }
})

t.test('an empty board where the player moves first opens a new game (200, no AI move, X to play)', async t => {
  const app = await buildApp(t)
  for (const url of ['/human_move', '/human_move?ai_player=O', '/human_move?position_1=&difficulty=easy']) {
    const res = await app.inject(url)
    t.equal(res.statusCode, 200, url)
    t.match(res.json(), {
      status: 'continue',
      winner: 'No winner',
      ai_move: null,
      reason: null,
      next_player: 'X',
      winning_line: null,
      message: 'New game: X moves first. Pick a free cell from 1 to 9 (1-3 is the top row) and send it as human_position.',
      board_text: ' 1 | 2 | 3\n---+---+---\n 4 | 5 | 6\n---+---+---\n 7 | 8 | 9'
    }, url)
  }
  t.equal((await app.inject('/human_move?position_1=X&position_5=O')).json().code, 'not_ai_turn', 'any other board where it is not the AI\'s turn stays a 400')
})

t.test('every bad parameter gets a 400 naming the parameter, what it must be and what it got', async t => {
  const app = await buildApp(t)
  const see = 'See /openapi.json for the parameters.'
  const cases: Array<[string, string]> = [
    ['position_1=Z', `position_1 must be one of "X", "O", empty (got "Z"). ${see}`],
    ['position_9=XO', `position_9 must be one of "X", "O", empty (got "XO"). ${see}`],
    ['position_1=X&position_1=O', `position_1 was given 2 times; give it once (got ["X","O"]). ${see}`],
    ['ai_player=Z', `ai_player must be one of "X", "O" (got "Z"). ${see}`],
    ['difficulty=impossible', `difficulty must be one of "easy", "medium", "hard" (got "impossible"). ${see}`],
    ['human_position=ten', `human_position must be a whole number from 1 to 9 (got "ten"). ${see}`],
    ['human_position=0', `human_position must be at least 1 (got 0). ${see}`],
    ['human_position=10', `human_position must be at most 9 (got 10). ${see}`],
    ['human_position=2.5', `human_position must be a whole number from 1 to 9 (got "2.5"). ${see}`]
  ]
  for (const [query, message] of cases) {
    const res = await app.inject(`/human_move?${query}`)
    t.equal(res.statusCode, 400, query)
    t.same(res.json(), { statusCode: 400, error: 'Bad Request', code: 'invalid_parameter', message }, query)
  }
})

t.test('whole games through human_position, both sides, every difficulty: the answers chain', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '1000' }, { random: seededRandom(11) })
  const pickFree = seededRandom(5)
  for (const ai of ['O', 'X']) {
    for (const difficulty of ['easy', 'medium', 'hard']) {
      let positions: Record<string, string> = {}
      let first = ai === 'X'
      for (let turn = 0; turn < 9; turn++) {
        const query = new URLSearchParams({ ...positions, ai_player: ai, difficulty })
        if (!first) {
          const free = Object.keys(EMPTY_POSITIONS).filter(name => (positions[name] ?? '') === '')
          query.set('human_position', free[Math.floor(pickFree() * free.length)].slice('position_'.length))
        }
        first = false
        const res = await app.inject(`/human_move?${query}`)
        t.equal(res.statusCode, 200, `${ai} ${difficulty} turn ${turn}`)
        const answer = res.json()
        positions = answer.positions
        if (answer.status === 'end') break
      }
      t.ok(Object.values(positions).some(cell => cell !== ''), `${ai} ${difficulty} game played`)
    }
  }
})

t.test('hard never loses a game played through the API against random moves', async t => {
  const app = await buildApp(t, { RATE_LIMIT_MAX: '1000' })
  const random = seededRandom(99)
  let losses = 0
  for (let game = 0; game < 30; game++) {
    let positions: Record<string, string> = {}
    for (;;) {
      const free = Object.keys(EMPTY_POSITIONS).filter(name => (positions[name] ?? '') === '')
      const human = free[Math.floor(random() * free.length)].slice('position_'.length)
      const answer = (await app.inject(`/human_move?${new URLSearchParams({ ...positions, human_position: human })}`)).json()
      positions = answer.positions
      if (answer.status === 'end') {
        if (answer.winner === 'X') losses++
        break
      }
    }
  }
  t.equal(losses, 0)
})

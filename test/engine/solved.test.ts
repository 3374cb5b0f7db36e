/** A solution carried to another process (as the build carries it into the server) plays as the one solved there. */
import { execFileSync } from 'node:child_process'
import t from 'tap'
import { solvedPositions } from '../../engine/index.js'

t.test('the solution written out and read back in a fresh process answers every position alike', async t => {
  const { values, bestMoves } = solvedPositions()
  const carried = JSON.stringify({ values: Buffer.from(values.buffer).toString('base64'), bestMoves: Buffer.from(bestMoves.buffer).toString('base64') })
  const script = `
    import { useSolvedPositions, bestMove, scoreOfMove, reachablePositions } from ${JSON.stringify(new URL('../../engine/index.ts', import.meta.url).href)}
    const carried = JSON.parse(process.argv[1])
    const table = name => new Int8Array(Buffer.from(carried[name], 'base64'))
    useSolvedPositions({ values: table('values'), bestMoves: table('bestMoves') })
    const answers = reachablePositions().filter(p => !p.finished).map(p => [bestMove(p.board), ...p.board.map((cell, i) => cell === ' ' ? scoreOfMove(p.board, i) : null)])
    process.stdout.write(JSON.stringify(answers))
  `
  const fresh = JSON.parse(
    execFileSync(process.execPath, [...process.execArgv, '--input-type=module', '-e', script, carried], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  )
  const { reachablePositions, bestMove, scoreOfMove } = await import('../../engine/index.js')
  const here = reachablePositions()
    .filter(p => !p.finished)
    .map(p => [bestMove(p.board), ...p.board.map((cell, i) => (cell === ' ' ? scoreOfMove(p.board, i) : null))])
  t.ok(here.length > 4000, `${here.length} unfinished positions`)
  t.same(fresh, here)
})

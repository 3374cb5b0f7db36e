/**
 * npm run bench:engine: the engine's one-time solve, its answer time over every reachable unfinished
 * position, and a plain unmemoized minimax (the original design) on the same positions.
 * Each figure is per position: the mean of a batch of calls (a single call is below the timer's
 * resolution), then the median and p99 over positions.
 */
import os from 'node:os'
import { type Board, type Mark, bestMove, emptyCells, opponentOf, place, reachablePositions, solveAll, winningCells } from '../engine/index.js'

function percentile (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
}

function format (ns: number): string {
  return ns < 1000 ? `${ns.toFixed(0)} ns` : ns < 1e6 ? `${(ns / 1000).toFixed(1)} µs` : `${(ns / 1e6).toFixed(2)} ms`
}

function timeEach (boards: Board[], batch: number, answer: (board: Board) => number): { median: number, p99: number } {
  const times: number[] = []
  let sink = 0
  for (const board of boards) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < batch; i++) sink += answer(board)
    times.push(Number(process.hrtime.bigint() - start) / batch)
  }
  if (sink === -1) console.log('') // keeps the calls from being optimized away
  times.sort((a, b) => a - b)
  return { median: percentile(times, 0.5), p99: percentile(times, 0.99) }
}

// The original approach: full minimax from scratch on every call, no table.
function minimax (board: Board, mover: Mark): number {
  let best = -Infinity
  for (const cell of emptyCells(board)) {
    let score: number
    if (winningCells(board, mover).includes(cell)) score = 10
    else {
      const next = place(board, cell, mover)
      if (emptyCells(next).length === 0) score = 0
      else {
        const reply = -minimax(next, opponentOf(mover))
        score = reply - Math.sign(reply)
      }
    }
    if (score > best) best = score
  }
  return best
}

const start = process.hrtime.bigint()
solveAll()
const solveNs = Number(process.hrtime.bigint() - start)

const open = reachablePositions().filter(p => !p.finished)
const boards = open.map(p => p.board)
const movers = new Map(open.map(p => [p.board, p.turn as Mark]))

timeEach(boards, 200, bestMove) // warm-up
const table = timeEach(boards, 2000, bestMove)
const plain = timeEach(boards, 1, board => minimax(board, movers.get(board) as Mark))
const firstReplyStart = process.hrtime.bigint()
minimax(['X', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '], 'O')
const firstReply = Number(process.hrtime.bigint() - firstReplyStart)

console.log(`machine: ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${os.cpus().length} cores, node ${process.version}`)
console.log(`positions: ${open.length} reachable unfinished`)
console.log(`solve once: ${format(solveNs)} (target < 50 ms)`)
console.log(`engine answer: median ${format(table.median)}, p99 ${format(table.p99)} (target median < 1 µs)`)
console.log(`plain minimax: median ${format(plain.median)}, p99 ${format(plain.p99)}; first reply of a game (X took a corner): ${format(firstReply)}`)
console.log(`ratio: the table answers ${(plain.median / table.median).toFixed(0)}x faster at the median, ${(plain.p99 / table.p99).toFixed(0)}x at p99`)

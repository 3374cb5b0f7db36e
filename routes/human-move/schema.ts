/**
 * The game's TypeBox schemas, written once: they give the TypeScript types, the request validation
 * and the OpenAPI document of GET /human_move, and the input and output schemas of the MCP tool.
 * Descriptions are written for a model that has never seen the API.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox'
import type { ReasonCode } from '../../engine/index.js'

/** A string enum as a plain `enum` (the form the GPT editor and Swagger UI show best). */
function StringEnum<const T extends string> (values: readonly T[], options: Record<string, unknown> = {}) {
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...options })
}

const ROW_NAMES = ['top', 'middle', 'bottom']
const COLUMN_NAMES = ['left', 'center', 'right']

// The examples make one legal call together (X at 1, O at 5, the player takes 9): tools that
// try the operation from the document, such as a GPT-import check, can send them as they are.
const EXAMPLE_CALL: Record<number, string> = { 1: 'X', 5: 'O' }

function positionParameter (position: number) {
  const where = `${ROW_NAMES[Math.floor((position - 1) / 3)]} row, ${COLUMN_NAMES[(position - 1) % 3]} column`
  return Type.Optional(StringEnum(['X', 'O', ''], {
    description: `Cell ${position} (${where}): X, O, or empty/omitted when free. Copy it from the last answer's positions.`,
    ...(position in EXAMPLE_CALL ? { examples: [EXAMPLE_CALL[position]] } : {})
  }))
}

export const positionNames = [
  'position_1', 'position_2', 'position_3', 'position_4', 'position_5', 'position_6', 'position_7', 'position_8', 'position_9'
] as const
type PositionName = typeof positionNames[number]

export const MoveQuery = Type.Object({
  ...Object.fromEntries(positionNames.map((name, i) => [name, positionParameter(i + 1)])) as Record<PositionName, ReturnType<typeof positionParameter>>,
  human_position: Type.Optional(Type.Integer({
    minimum: 1,
    maximum: 9,
    examples: [9],
    description: 'The free cell (1-9) the person just chose. Send the board from the last answer unchanged and put the new move here: the service ' +
      'places it, then plays. Omit it when the board already holds the move, or when the AI opens.'
  })),
  ai_player: Type.Optional(StringEnum(['X', 'O'], {
    default: 'O',
    examples: ['O'],
    description: "The AI's mark. O (default): the person is X and moves first. X: the AI moves first; send an empty board to let it open."
  })),
  difficulty: Type.Optional(StringEnum(['easy', 'medium', 'hard'], {
    default: 'hard',
    examples: ['hard'],
    description: 'hard (default): perfect play, never loses. medium: always takes a win or blocks one, otherwise half the time a random move. easy: ' +
      'random moves.'
  }))
}, { additionalProperties: false })

export type MoveQuery = Static<typeof MoveQuery>

const Mark = StringEnum(['X', 'O'])
const REASONS: readonly ReasonCode[] = ['win', 'block', 'fork', 'block_fork', 'threat', 'center', 'opposite_corner', 'corner', 'side']

/**
 * `T | null` written as `type: [T's type, "null"]` rather than `anyOf`: the same meaning in
 * OpenAPI 3.1, but the serializer then checks a type instead of running a validator per answer.
 */
function nullable<T extends TSchema> (schema: T, description: string) {
  const values = schema.enum as unknown[] | undefined
  return Type.Unsafe<Static<T> | null>({
    ...schema,
    type: [schema.type, 'null'],
    ...(values !== undefined ? { enum: [...values, null] } : {}),
    description
  })
}

export const MoveAnswer = Type.Object({
  board: Type.Array(Type.Array(StringEnum(['X', 'O', ' ']), { minItems: 3, maxItems: 3 }), {
    minItems: 3, maxItems: 3, description: 'The board after the AI move: 3 rows of 3 cells, top row first; " " is a free cell.'
  }),
  status: StringEnum(['continue', 'end'], { description: 'continue: the game goes on; end: someone won or it is a draw.' }),
  winner: StringEnum(['X', 'O', 'Draw', 'No winner'], { description: '"No winner" while the game goes on.' }),
  ai_move: nullable(Type.Object({
    position: Type.Integer({ minimum: 1, maximum: 9 }),
    row: Type.Integer({ minimum: 1, maximum: 3 }),
    column: Type.Integer({ minimum: 1, maximum: 3 })
  }), 'The cell the AI played, or null when the game was already over.'),
  reason: nullable(StringEnum(REASONS), 'Why the AI chose its move, or null when it did not move.'),
  message: Type.String({ description: 'One or two sentences to tell the person: the AI move, its reason, and what comes next.' }),
  next_player: nullable(Mark, 'Whose turn it is now, or null when the game is over.'),
  winning_line: nullable(Type.Array(Type.Integer({ minimum: 1, maximum: 9 })), 'The winning cells, or null.'),
  positions: Type.Object(
    Object.fromEntries(positionNames.map(name => [name, StringEnum(['X', 'O', ''])])) as Record<PositionName, ReturnType<typeof StringEnum<'X' | 'O' | ''>>>,
    { description: 'The board as position_1 ... position_9, ready to send back on the next call.' }
  ),
  board_text: Type.String({ description: 'The board as a text grid, free cells numbered: show it to the person in a code block.' })
})

export type MoveAnswer = Static<typeof MoveAnswer>

export const ErrorAnswer = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String({ description: 'What was wrong and how to call correctly.' }),
  code: Type.Optional(Type.String({ description: 'A stable code for the problem, such as not_ai_turn or cell_taken.' }))
})

export type ErrorAnswer = Static<typeof ErrorAnswer>

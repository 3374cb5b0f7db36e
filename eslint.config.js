import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tap/**', '.scratch/**'] }),
  // TypeBox's idiom: a schema const and its Static<> type share one name.
  { rules: { '@typescript-eslint/no-redeclare': 'off' } }
]

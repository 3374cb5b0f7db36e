import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['dist/**', 'packages/*/dist/**', 'node_modules/**', 'coverage/**', '.tap/**', '.scratch/**'] }),
  {
    rules: {
      // TypeBox's idiom: a schema const and its Static<> type share one name.
      '@typescript-eslint/no-redeclare': 'off',
      // Lines a reader takes in at once; template literals hold text (pages, instructions) whose lines are its own.
      '@stylistic/max-len': ['error', { code: 160, ignoreUrls: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }]
    }
  }
]

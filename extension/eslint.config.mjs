// ESLint for the extension, its webviews, its tests and its build scripts: `npm run lint` (scripts/test-all.sh runs
// it and fails on any problem). typescript-eslint reads types through TypeScript 6's API ("typescript" is aliased to
// @typescript/typescript6, since TypeScript 7 has no API yet); the compiler itself is TypeScript 7 ("typescript-7").
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const typed = ['src/**/*.ts', 'webview/**/*.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'media/dist/**', 'daemon/**', 'demo/**', '.e2e-tools/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // the product's code with type information: no unsafe use of `any`, no floating promises, no needless assertions
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: typed })),
  {
    files: typed,
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['src/**/*.ts', 'test/unit/**/*.ts', 'test/e2e/**/*.ts', 'scripts/**/*.mjs', 'test/**/*.{cjs,mjs}', '*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['webview/**/*.ts', 'test/webview/**/*.ts'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

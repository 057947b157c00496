// Lint: typescript-eslint's recommended rules on every TypeScript file — the AssemblyScript kernels
// included — and on the build scripts; zero warnings allowed (npm run lint, part of npm test).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * AssemblyScript is TypeScript syntax except for its decorators on functions (`@inline`), which
 * the TypeScript parser rejects: this processor blanks them out (keeping every other character in
 * place, so reported positions stay right) before the file is parsed.
 */
const assemblyScript = {
  preprocess: (text) => [text.replace(/^[ \t]*@(inline|lazy|unsafe|global)[ \t]*$/gm, (line) => ' '.repeat(line.length))],
  postprocess: (messages) => messages.flat(),
  supportsAutofix: true,
};

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', '**/*.generated.ts', '**/*.generated.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/backend/wasm/assembly/**/*.ts'],
    plugins: { assemblyscript: { processors: { decorators: assemblyScript } } },
    processor: 'assemblyscript/decorators',
    rules: {
      // `// @ts-ignore: decorator` keeps editors' TypeScript service quiet about the decorators
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-ignore': 'allow-with-description' }],
    },
  },
  {
    files: ['scripts/**/*.mjs', '*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
  },
);

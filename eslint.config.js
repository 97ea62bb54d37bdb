// ESLint flat config: typescript-eslint's recommended rules over src/, test/,
// bench/, examples/ and the Node build scripts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const gjsGlobals = {
    print: 'readonly', printerr: 'readonly', log: 'readonly', logError: 'readonly',
    ARGV: 'readonly', imports: 'readonly', console: 'readonly', globalThis: 'readonly',
    TextEncoder: 'readonly', TextDecoder: 'readonly', setTimeout: 'readonly',
    clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
};
const nodeGlobals = {
    process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly',
    setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
};

export default tseslint.config(
    { ignores: ['dist/**', 'node_modules/**', 'build/**', '_build/**', 'test/artifacts/**', 'docs/api/**'] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: { globals: gjsGlobals },
        rules: {
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
            '@typescript-eslint/no-explicit-any': 'error',
            'no-constant-condition': ['error', { checkLoops: false }],
        },
    },
    {
        files: ['scripts/**/*.mjs', 'test/runner/*.mjs', 'bench/*.mjs', 'eslint.config.js'],
        languageOptions: { globals: nodeGlobals },
    },
    {
        files: ['test/runner/host.js', 'bench/gjs/**/*.js', 'examples/**/*.js'],
        languageOptions: { globals: gjsGlobals },
    },
);

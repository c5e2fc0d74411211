// Lint enforces the layers of docs/ARCHITECTURE.md: imports flow shared <- server,
// shared <- core <- electron/host, shared <- renderer; only src-main/electron touches `electron`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const electronBan = { name: 'electron', message: 'Only src-main/electron may import electron: it throws under Node.' };
const pattern = (group, message) => ({ group, message });

const noServer = pattern(['**/src-server', '**/src-server/**'], 'Only the server itself imports server code.');
const noMain = pattern(['**/src-main', '**/src-main/**'], 'Main-process code is reachable only through the IPC contract.');
const noRenderer = pattern(['**/src-renderer', '**/src-renderer/**'], 'The renderer is a leaf: nothing imports it.');
// Relative forms too: from src-main/core, the shells are `../electron/...` and `../host/...`.
const noElectronShell = pattern(['**/src-main/electron', '**/src-main/electron/**', '../electron', '../electron/**', '../../electron/**'], 'The core must not depend on the Electron shell.');
const noHost = pattern(['**/src-main/host', '**/src-main/host/**', '../host', '../host/**', '../../host/**'], 'The core must not depend on the Node host shell.');
// GitHub Desktop style: one module registers IPC handlers, so every handler checks its sender the same way.
const ipcMainBan = { name: 'electron', importNames: ['ipcMain'], message: 'Only src-main/electron/ipc.ts may use ipcMain (it checks the sender and validates with the contract).' };

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'release/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': ['error', { paths: [electronBan] }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan, ...nodeBuiltins.map((name) => ({ name, message: 'src-shared runs anywhere: no Node modules.' }))],
          patterns: [noServer, noMain, noRenderer],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'navigator', 'localStorage', 'process', 'Buffer', 'require', '__dirname'].map((name) => ({
          name,
          message: 'src-shared runs anywhere: no DOM or Node globals.',
        })),
      ],
    },
  },
  {
    files: ['src-server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronBan], patterns: [noMain, noRenderer] }],
      // SQLite prepares a statement again every time a bound LIMIT is bound (db/literal-limit.ts).
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='limit']:not([arguments.0.callee.name='literalLimit'])",
          message: 'Write a LIMIT with literalLimit(n) (db/literal-limit.ts): a bound LIMIT is planned again on every run.',
        },
        {
          selector: "TaggedTemplateExpression[tag.name='sql'] > TemplateLiteral:has(> TemplateElement[value.raw=/\\blimit\\s+$/i]):not(:has(> CallExpression[callee.name='literalLimit']))",
          message: 'Write a LIMIT in sql`` as ${literalLimit(n)} (db/literal-limit.ts): a bound LIMIT is planned again on every run.',
        },
      ],
    },
  },
  {
    files: ['src-main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronBan], patterns: [noServer, noRenderer, noElectronShell, noHost] }],
    },
  },
  {
    files: ['src-main/host/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronBan], patterns: [noServer, noRenderer, noElectronShell] }] },
  },
  {
    files: ['src-main/electron/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [ipcMainBan], patterns: [noServer, noRenderer, noHost] }] },
  },
  {
    files: ['src-main/electron/ipc.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noServer, noRenderer, noHost] }] },
  },
  {
    // The host's page-side bridge is a browser script: no Node, and no main-process code at run time.
    files: ['src-main/host/bridge-client/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan, ...nodeBuiltins.map((name) => ({ name, message: 'The bridge client runs in the page: no Node modules.' }))],
          patterns: [noServer, noRenderer, pattern(['**/core', '**/core/**'], 'The bridge client runs in the page: no core code.')],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer is a browser page: no Node modules.' }))],
          patterns: [noServer, noMain],
        },
      ],
    },
  },
);

// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

const MARKDOWN_DOOR = "Markdown goes through its one door, src/markdown/.";

/** Libraries that enter the code through one door each; a door's own files leave out its library. */
const DOORS = [
  { name: "zod", message: "Import z from src/zod.ts (zod without its JIT).", allowTypeImports: true },
  { name: "zod/mini", message: "Import from src/zod-mini.ts (zod without its JIT).", allowTypeImports: true },
  { name: "age-encryption", message: "age goes through its one door, src/age/." },
  { name: "markdown-it", message: MARKDOWN_DOOR },
  { name: "heic-decode", message: "HEIC decoding goes through its one door, src/media/heic.ts." },
];

/** @param {string} [own] the library a door's own files may import */
const doorsExcept = (own) => DOORS.filter((d) => d.name !== own);

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "nachklang-demo/", "bench/out/", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "error",
    },
  },
  {
    // zod's values come from src/zod.ts (or src/zod-mini.ts), which turn its JIT off before any
    // schema is built. The age format has one door, src/age/: nothing else reads or writes it;
    // Markdown has one, src/markdown/; HEIC decoding has one, src/media/heic.ts.
    files: ["src/**/*.ts"],
    ignores: ["src/zod.ts", "src/zod-mini.ts", "src/age/**", "src/media/heic.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { paths: doorsExcept(), patterns: [{ group: ["markdown-it/*"], message: MARKDOWN_DOOR }] }] },
  },
  {
    // The one door to Markdown: the same rules, with markdown-it allowed.
    files: ["src/markdown/**/*.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { paths: doorsExcept("markdown-it") }] },
  },
  {
    // heic-decode's one door keeps the other doors.
    files: ["src/media/heic.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { paths: doorsExcept("heic-decode") }] },
  },
  {
    files: ["src/age/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", { paths: DOORS.filter((d) => d.name === "zod") }],
    },
  },
  {
    // Node's recursive mkdir loops for ever on paths like /proc/x: folders are made through
    // makeDirs in src/dirs.ts.
    files: ["src/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.name=/^mkdir(Sync)?$/] Property[key.name='recursive'][value.value=true]",
          message: "Use makeDirs/makeDirsSync from src/dirs.ts: recursive mkdir hangs on /proc and similar file systems.",
        },
      ],
    },
  },
  {
    // Only the CLI layer talks to the terminal; tests, benchmarks and the shim may print.
    files: ["src/cli/**", "test/**", "bench/**", "bin/**", "eslint.config.js"],
    rules: { "no-console": "off" },
  },
  {
    // Plain JavaScript (the bin shim, benchmarks, build scripts): linted without type information.
    files: ["**/*.js"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: globals.node, parserOptions: { projectService: false } },
  },
);

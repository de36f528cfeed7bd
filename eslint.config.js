// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

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
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "zod", message: "Import z from src/zod.ts (zod without its JIT).", allowTypeImports: true },
            { name: "zod/mini", message: "Import from src/zod-mini.ts (zod without its JIT).", allowTypeImports: true },
            { name: "age-encryption", message: "age goes through its one door, src/age/." },
            { name: "markdown-it", message: "Markdown goes through its one door, src/markdown/." },
            { name: "heic-decode", message: "HEIC decoding goes through its one door, src/media/heic.ts." },
          ],
          patterns: [{ group: ["markdown-it/*"], message: "Markdown goes through its one door, src/markdown/." }],
        },
      ],
    },
  },
  {
    // The one door to Markdown: the same rules, with markdown-it allowed.
    files: ["src/markdown/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "zod", message: "Import z from src/zod.ts (zod without its JIT).", allowTypeImports: true },
            { name: "zod/mini", message: "Import from src/zod-mini.ts (zod without its JIT).", allowTypeImports: true },
            { name: "age-encryption", message: "age goes through its one door, src/age/." },
            { name: "heic-decode", message: "HEIC decoding goes through its one door, src/media/heic.ts." },
          ],
        },
      ],
    },
  },
  {
    // heic-decode's one door keeps the other doors.
    files: ["src/media/heic.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "zod", message: "Import z from src/zod.ts (zod without its JIT).", allowTypeImports: true },
            { name: "zod/mini", message: "Import from src/zod-mini.ts (zod without its JIT).", allowTypeImports: true },
            { name: "age-encryption", message: "age goes through its one door, src/age/." },
            { name: "markdown-it", message: "Markdown goes through its one door, src/markdown/." },
          ],
        },
      ],
    },
  },
  {
    files: ["src/age/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": ["error", { paths: [{ name: "zod", message: "Import z from src/zod.ts (zod without its JIT).", allowTypeImports: true }] }],
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

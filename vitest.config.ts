import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Media fixtures (photos, recordings, broken files) generated with sharp and ffmpeg.
    globalSetup: ["test/fixtures/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Most test time is spent waiting for the real CLI in a child process, so more test files
    // than cores run at once (vitest's default is one fewer than the cores: a single file here).
    maxWorkers: 2,
    // Keyrings in tests use a low scrypt work factor (test-only setting, see docs/security.md).
    env: { NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: "10" },
  },
});

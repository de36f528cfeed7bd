import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Media fixtures (photos, recordings, broken files) generated with sharp and ffmpeg.
    globalSetup: ["test/fixtures/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // A test file mostly waits for the real CLI in a child process, so as many test files run at
    // once as there are cores, and at least two (vitest's default is one fewer than the cores: a
    // single file on a two-core machine, where two take the suite from about 15 to 10.6 minutes).
    maxWorkers: Math.max(2, availableParallelism()),
    // Keyrings in tests use a low scrypt work factor (test-only setting, see docs/security.md).
    env: { NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: "10" },
  },
});

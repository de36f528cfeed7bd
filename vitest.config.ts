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
    // A test file mostly waits: for the real CLI in a child process, for files to reach the disk,
    // for locks and timers. One test file more than there are cores keeps the cores busy (on two
    // cores: 371 s with two files at once, 299 s with three, 306 s with four; vitest's default of
    // one fewer than the cores ran a single file there). docs/decisions/suite-time.md.
    maxWorkers: Math.max(3, availableParallelism() + 1),
    // Keyrings in tests use a low scrypt work factor (test-only setting, see docs/security.md).
    env: { NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: "10" },
  },
});

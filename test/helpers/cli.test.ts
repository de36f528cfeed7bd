/**
 * runCli's timeout: a process that ignores SIGTERM (as the CLI does while its cleanup waits on a
 * blocked open) is killed after the grace, and the run fails saying it timed out, with the
 * command line and without the environment.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CliTimedOut, KILL_GRACE_MS, runCli, tempDir } from "./cli.js";

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir("nachklang-runcli-"));
});

afterEach(async () => {
  await cleanup();
});

/** A stand-in for bin/nachklang.js that says it is ready and then waits forever. */
async function stuck(ignoreTerm: boolean): Promise<string> {
  const bin = join(dir, "stuck.js");
  await writeFile(bin, `${ignoreTerm ? 'process.on("SIGTERM", () => undefined);\n' : ""}process.stdout.write("ready\\n");\nsetInterval(() => undefined, 1000);\n`);
  return bin;
}

describe("runCli's timeout", () => {
  it("kills a process that ignores SIGTERM after the grace, and rejects naming the command line", async () => {
    const timeoutMs = 3000;
    const started = Date.now();
    const run = runCli(["--passphrase-file", join(dir, "pipe"), "client", "list"], { bin: await stuck(true), timeoutMs });
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    const took = Date.now() - started;
    expect(error).toBeInstanceOf(CliTimedOut);
    const timedOut = error as CliTimedOut;
    expect(timedOut.result).toMatchObject({ stdout: "ready\n", signal: "SIGKILL", code: -1 });
    expect(timedOut.message).toBe(`timed out after 3000 ms (SIGTERM ignored, SIGKILL ${KILL_GRACE_MS} ms later): nachklang --passphrase-file ${join(dir, "pipe")} client list`);
    // Never the environment, where the passphrase is.
    expect(timedOut.message).not.toContain("horse");
    expect(took).toBeGreaterThanOrEqual(timeoutMs + KILL_GRACE_MS);
    expect(took).toBeLessThan(timeoutMs + KILL_GRACE_MS + 5000);
  }, 15_000);

  it("a process that honours SIGTERM ends with it, and the run still fails as timed out", async () => {
    const error = await runCli(["status"], { bin: await stuck(false), timeoutMs: 1000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliTimedOut);
    expect((error as CliTimedOut).result.signal).toBe("SIGTERM");
    expect((error as CliTimedOut).message).toMatch(/^timed out after 1000 ms \(ended by SIGTERM\): nachklang status$/);
  });
});

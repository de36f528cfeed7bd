/**
 * Starting the agent touches nothing at its place before the place is checked: a link put where
 * the agent's folder belongs, or a folder others can open, is reported (agent.unsafe) and left
 * exactly as it was — no mode changed through the link, no agent started.
 */
import { chmod, mkdir, readdir, stat, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agentPaths } from "../../src/agent/paths.js";
import { startAgent } from "../../src/agent/start.js";
import { keyringFor } from "../helpers/keys.js";
import { tempDir } from "../helpers/cli.js";

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir("nachklang-agent-start-"));
});
afterEach(() => cleanup());

/** Start an agent for `home`; one that did start (the test then fails) is told to lock at once. */
async function start(home: string) {
  const started = await startAgent({ home, paths: agentPaths(home, {}), keyring: await keyringFor(), until: new Date(Date.now() + 60_000), idleMs: 60_000 });
  process.kill(started.pid, "SIGTERM");
  return started;
}

describe("startAgent", () => {
  it("a link in place of the agent's folder is refused, and its target keeps its mode", async () => {
    const home = join(dir, "home");
    const elsewhere = join(dir, "shared");
    await mkdir(home, { recursive: true });
    await mkdir(elsewhere, { mode: 0o755 });
    await chmod(elsewhere, 0o755);
    await symlink(elsewhere, join(home, "agent"));
    await expect(start(home)).rejects.toMatchObject({ key: "agent.unsafe", params: { path: join(home, "agent") } });
    expect((await stat(elsewhere)).mode & 0o777).toBe(0o755);
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it("a folder others can open is refused as it is, not made private", async () => {
    const home = join(dir, "home");
    await mkdir(join(home, "agent"), { recursive: true, mode: 0o755 });
    await chmod(join(home, "agent"), 0o755);
    await expect(start(home)).rejects.toMatchObject({ key: "agent.unsafe", params: { path: join(home, "agent") } });
    expect((await stat(join(home, "agent"))).mode & 0o777).toBe(0o755);
  });
});

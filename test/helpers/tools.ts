/** Which external tools are installed. Tests that need a missing one are skipped and say so. */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES } from "./cli.js";

export function hasCommand(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

/** For `describe.skipIf(...)`: true (skip) when the tool is missing, with a visible note. */
export function missing(name: string): boolean {
  if (hasCommand(name)) return false;
  console.warn(`SKIPPED: '${name}' is not installed; the tests that need it did not run (.ci/run installs it).`);
  return true;
}

/**
 * For `skipIf(...)`: true (skip) when a generated media fixture is absent because the tool that
 * makes it is missing (test/fixtures/media.ts records why), with a visible note. A fixture that
 * is absent for any other reason is an error, not a skip.
 */
export function missingFixture(...names: string[]): boolean {
  const absent = names.filter((name) => !existsSync(join(FIXTURES, name)));
  if (absent.length === 0) return false;
  let skipped: Record<string, string> = {};
  try {
    ({ skipped } = JSON.parse(readFileSync(join(FIXTURES, "manifest.json"), "utf8")) as { skipped: Record<string, string> });
  } catch {
    // No manifest: the global setup did not run.
  }
  for (const name of absent) {
    const why = skipped[name];
    if (why === undefined) throw new Error(`media fixture ${name} is missing from ${FIXTURES}; it is made by test/fixtures/global-setup.ts (vitest globalSetup)`);
    console.warn(`SKIPPED: media fixture ${name} was not generated (it ${why}); the tests that need it did not run.`);
  }
  return true;
}

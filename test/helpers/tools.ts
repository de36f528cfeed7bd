/** Which external tools are installed. Tests that need a missing one are skipped and say so. */
import { spawnSync } from "node:child_process";

export function hasCommand(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

/** For `describe.skipIf(...)`: true (skip) when the tool is missing, with a visible note. */
export function missing(name: string): boolean {
  if (hasCommand(name)) return false;
  console.warn(`SKIPPED: '${name}' is not installed; the tests that need it did not run (.ci/run installs it).`);
  return true;
}

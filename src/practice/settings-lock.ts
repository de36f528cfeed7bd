/**
 * One command at a time changes the practice's settings: the client registry (`clients.age`),
 * `config.json` and `groups.json` are each read whole, changed and written whole, so two commands
 * side by side (six `client add` from a script, a `consent withdraw` beside a `client add`) would
 * each write back what they read, and all but the last change would be lost, silently. A command
 * that changes them holds this lock (`<home>/settings.lock`, proper-lockfile) from before it
 * reads them until it ends; others wait for it. Commands that only read take no lock.
 */
import { join } from "node:path";
import { ExitCode, UserError } from "../errors.js";
import { exists, loadLockfile } from "../files.js";

/** Waits about a minute for another command that changes the practice, then gives up. */
const RETRIES = { retries: 300, minTimeout: 50, maxTimeout: 200, factor: 1.2 } as const;

/** Take the settings lock of the practice in `root`; resolves with its release. */
export async function lockSettings(root: string): Promise<() => Promise<void>> {
  // No practice there yet: nothing to protect, and the command says what is missing.
  if (!(await exists(root))) return () => Promise.resolve();
  const lockfile = await loadLockfile();
  try {
    return await lockfile.lock(root, {
      lockfilePath: join(root, "settings.lock"),
      realpath: false,
      // Kept fresh while the command runs; a killed command's lock is taken over after 10 s.
      stale: 10_000,
      update: 2_000,
      retries: RETRIES,
      // Taken over as stale while this command still ran (the machine stalled): finish anyway.
      onCompromised: () => undefined,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOCKED") throw new UserError(ExitCode.failure, "practice.busy", { home: root });
    throw error;
  }
}

/**
 * The list of staging places: folders outside the home where a run stages plaintext — `open`
 * stages beside its target, so that the result can be renamed into place. A run killed there
 * (SIGKILL, the out-of-memory killer, a power cut) leaves plaintext behind, and only this list
 * tells a later run where to look. Places that need no list — the system temp folder and the
 * outbox — are swept by every command (temp.ts).
 *
 * A folder's path can name a client (`~/Klienten/Müller/`), so nothing at rest may spell it
 * out: each entry is its own file, `<home>/staging/pid<pid>-<random>.age`, sealed to the
 * practice's age recipient. Writing an entry needs only the public recipient from the config;
 * reading one needs the practice key, so commands that hold the keys sweep the listed places.
 * An entry is written before its staging folder is made and removed once the folder is gone;
 * an entry whose process is no longer running is read, its place swept, and the entry removed.
 */
import { randomBytes } from "node:crypto";
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { decryptBytes, type AgeKeys } from "../age/index.js";
import { running, sweepStale } from "../temp.js";
import { writeSealedToRecipients } from "./sealed-file.js";

const ENTRY = /^pid(\d+)-[0-9a-f]{12}\.age$/;

/** The list's folder in a home. */
export function stagingListDir(home: string): string {
  return join(home, "staging");
}

/**
 * List `place` (an absolute folder) for this process. Returns what removes the entry again,
 * to be called once the staging folder there is gone.
 */
export async function listStagingPlace(listDir: string, recipient: string, place: string): Promise<() => Promise<void>> {
  const entry = join(listDir, `pid${process.pid}-${randomBytes(6).toString("hex")}.age`);
  await writeSealedToRecipients(entry, JSON.stringify({ v: 1, place }), [recipient]);
  return () => rm(entry, { force: true });
}

/** Entries left by processes no longer running. */
async function abandoned(listDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(listDir);
  } catch {
    return [];
  }
  return names.filter((name) => {
    const pid = Number(ENTRY.exec(name)?.[1] ?? Number.NaN);
    return Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && !running(pid);
  });
}

/** How many entries of processes no longer running wait to be swept (for `doctor`). */
export async function countAbandonedPlaces(listDir: string): Promise<number> {
  return (await abandoned(listDir)).length;
}

/**
 * Sweep the places listed by processes no longer running (temp.ts `sweepStale`: only our own
 * staging folders of dead processes are removed) and remove their entries. Never fails: an
 * entry that cannot be read (damaged, or sealed to another key) is left as it is.
 */
export async function sweepListedPlaces(listDir: string, keys: AgeKeys): Promise<number> {
  let removed = 0;
  for (const name of await abandoned(listDir)) {
    const entry = join(listDir, name);
    try {
      const { place } = JSON.parse((await decryptBytes(await readFile(entry), keys)).toString("utf8")) as { place?: unknown };
      if (typeof place !== "string") continue;
      removed += await sweepStale(place);
      await rm(entry, { force: true });
    } catch {
      continue;
    }
  }
  return removed;
}

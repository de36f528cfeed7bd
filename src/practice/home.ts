/**
 * The home folder: one place for config, keyring, client registry, outbox, archive, ledger and
 * caches. Folders are 0700 and files 0600; nothing in it names a client in plain text.
 */
import { homedir, platform } from "node:os";
import { join, resolve } from "node:path";

export interface HomePaths {
  readonly root: string;
  readonly keyring: string;
  /** Channel secrets, sealed to the practice (practice/secrets.ts). */
  readonly secrets: string;
  readonly clients: string;
  readonly outbox: string;
  readonly archive: string;
  readonly handoff: string;
  readonly ledger: string;
  readonly cache: string;
  readonly templates: string;
  /** Contact time and the records' own files (records/time.jsonl). */
  readonly records: string;
}

/** `--home`, else NACHKLANG_HOME, else the platform's data folder. */
export function resolveHome(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (option) return resolve(option);
  if (env.NACHKLANG_HOME) return resolve(env.NACHKLANG_HOME);
  const home = homedir();
  switch (platform()) {
    case "darwin":
      return join(home, "Library", "Application Support", "nachklang");
    case "win32":
      return join(env.APPDATA ?? join(home, "AppData", "Roaming"), "nachklang");
    default:
      return join(env.XDG_DATA_HOME ?? join(home, ".local", "share"), "nachklang");
  }
}

export function homePaths(root: string): HomePaths {
  return {
    root,
    keyring: join(root, "keyring.age"),
    secrets: join(root, "secrets.age"),
    clients: join(root, "clients.age"),
    outbox: join(root, "outbox"),
    archive: join(root, "archive"),
    handoff: join(root, "handoff"),
    ledger: join(root, "ledger"),
    cache: join(root, "cache"),
    templates: join(root, "templates"),
    records: join(root, "records"),
  };
}

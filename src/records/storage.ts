/**
 * What the home's folders hold (for `doctor`), and emptying hand-off folders of copies the
 * archive keeps anyway (`records prune handoff`).
 */
import { readdir, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ChannelConfig } from "../practice/config.js";
import { handoffFolder } from "../channels/folder.js";

export interface FolderUsage {
  readonly files: number;
  readonly bytes: number;
}

/** Files and bytes under `dir`, all levels (links are not followed); a missing folder holds nothing. */
export async function folderUsage(dir: string): Promise<FolderUsage> {
  let files = 0;
  let bytes = 0;
  const visit = async (path: string) => {
    let names: string[];
    try {
      names = await readdir(path);
    } catch {
      return;
    }
    for (const name of names) {
      const info = await stat(join(path, name)).catch(() => undefined);
      if (info === undefined) continue;
      if (info.isDirectory()) await visit(join(path, name));
      else if (info.isFile()) {
        files++;
        bytes += info.size;
      }
    }
  };
  await visit(dir);
  return { files, bytes };
}

/** The hand-off folders in use: the home's, and every configured folder or Wire channel's. */
export function handoffFolders(home: string, channels: Readonly<Record<string, ChannelConfig>> | undefined): string[] {
  const folders = new Set<string>([handoffFolder(home, {})]);
  for (const c of Object.values(channels ?? {})) {
    const path = c.settings.path;
    if (c.type === "folder" || c.type === "wire") folders.add(handoffFolder(home, typeof path === "string" ? { path } : {}));
  }
  return [...folders];
}

const HANDOFF_FILE = /^([0-9a-z]{26})\.(age|html|wire\.txt)$/;

export interface PrunedFile {
  readonly path: string;
  readonly bytes: number;
}

/**
 * Remove hand-over copies older than `olderThanDays` whose bundle the archive still holds: the
 * bundle copy, its viewer page and Wire's instructions. Anything else in the folder — files not
 * named like ours, copies whose bundle is not archived — stays.
 */
export async function pruneHandoff(folders: readonly string[], archive: string, olderThanDays: number, now: Date, dryRun: boolean): Promise<PrunedFile[]> {
  const cutoff = now.getTime() - olderThanDays * 24 * 60 * 60 * 1000;
  const pruned: PrunedFile[] = [];
  for (const folder of folders) {
    // A hand-off folder configured onto the archive itself would otherwise empty the archive.
    if (resolve(folder) === resolve(archive)) continue;
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const id = HANDOFF_FILE.exec(name)?.[1];
      if (id === undefined) continue;
      const path = join(folder, name);
      const info = await stat(path).catch(() => undefined);
      if (info === undefined || !info.isFile() || info.mtimeMs > cutoff) continue;
      const archived = await stat(join(archive, `${id}.age`)).catch(() => undefined);
      if (archived === undefined || !archived.isFile()) continue;
      if (!dryRun) await rm(path, { force: true });
      pruned.push({ path, bytes: info.size });
    }
  }
  return pruned;
}

/**
 * The folder channel: the embedded default. Delivering copies the sealed bundle (and the
 * passphrase viewer, when one was made) into a hand-off folder; a person hands it over.
 * Repeating a delivery is harmless: the same bundle id gives the same file name.
 */
import { constants } from "node:fs";
import { access, copyFile, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import * as z from "../zod.js";
import type { ChannelProfile, ChannelType, Delivery, DeliveryResult } from "./contract.js";
import { ExitCode, UserError } from "../errors.js";
import { exists, makeDirs } from "../files.js";

/** Can we write into `folder` (or create it)? Looks only: changes nothing on disk. */
async function writable(folder: string): Promise<boolean> {
  let path = folder;
  while (!(await exists(path))) {
    const parent = dirname(path);
    if (parent === path) return false;
    path = parent;
  }
  try {
    await access(path, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const settings = z
  .object({
    path: z.string().min(1).optional(),
    /** Also write the passphrase viewer (HTML) next to the bundle (`channels add folder --viewer`). */
    viewer: z.boolean().optional(),
  })
  .strict();
export type FolderSettings = z.infer<typeof settings>;

async function place(source: string, folder: string): Promise<string> {
  const target = join(folder, basename(source));
  const partial = `${target}.partial`;
  await copyFile(source, partial);
  await rename(partial, target);
  return target;
}

/** The hand-off folder a folder-like channel (folder, wire) writes into. */
export function handoffFolder(home: string, settings: FolderSettings): string {
  return resolve(home, settings.path ?? join(home, "handoff"));
}

/** What practitioners weigh when they choose the hand-off folder (channels compare, consent texts). */
const profile: ChannelProfile = {
  type: "folder",
  label: { de: "Ordner", en: "Folder" },
  inSentence: { de: "persönliche Übergabe (Datei)", en: "hand-over in person (file)" },
  endToEnd: "viewer",
  phoneNumberRequired: false,
  readsAddressBook: { de: "nein", en: "no" },
  provider: { de: "keiner: Übergabe von Hand", en: "none: handed over by hand" },
  basedIn: { de: "in der Praxis", en: "in the practice" },
  clientCost: { de: "kostenlos", en: "free" },
  clientInstalls: { de: "age oder ein Browser (Offline-Ansicht)", en: "age or a browser (offline viewer)" },
  automatic: false,
  metadata: { de: "keine, außer beim gewählten Übergabeweg", en: "none, except on the route chosen for the hand-off" },
  recommended: true,
};

export const folderChannel: ChannelType<FolderSettings> = {
  type: "folder",
  address: "none",
  textLimitBytes: null,
  // The same bundle id gives the same file name: delivering again replaces it with itself.
  repeatHarmless: true,
  handsOverBundle: true,
  profile,
  settings,
  secrets: [],
  options: ["path", "viewer"],
  wantsViewer: (s) => s.viewer === true,
  describe: (s) => ({ path: s.path ?? "<home>/handoff", ...(s.viewer === true ? { viewer: "yes" } : {}) }),
  async configure(options, current) {
    // An empty --path would resolve to the current folder, silently.
    if (typeof options.path === "string" && options.path.trim() === "") throw new UserError(ExitCode.usage, "folder.emptyPath");
    const path = typeof options.path === "string" ? resolve(options.path) : current?.path;
    // A file or a device there can never hold the hand-off: said now, not at the first delivery.
    // A folder that does not exist yet is fine (created at the first delivery).
    if (typeof options.path === "string" && path !== undefined) {
      const found = await stat(path).catch(() => undefined);
      if (found !== undefined && !found.isDirectory()) throw new UserError(ExitCode.usage, "folder.notAFolder", { folder: path });
    }
    const viewer = typeof options.viewer === "boolean" ? options.viewer : current?.viewer;
    return { settings: { ...(path === undefined ? {} : { path }), ...(viewer === true ? { viewer: true } : {}) }, secretFiles: {} };
  },
  create(context) {
    const folder = handoffFolder(context.home, context.settings);
    return {
      name: context.name,
      type: "folder",
      async check() {
        // A check changes nothing: it neither creates the folder nor changes its mode.
        return (await writable(folder))
          ? { ok: true, lines: [{ key: "folder.ready", params: { folder }, ok: true }] }
          : { ok: false, lines: [{ key: "folder.notWritable", params: { folder }, ok: false }] };
      },
      async deliver(delivery: Delivery): Promise<DeliveryResult> {
        try {
          // Missing folders are created 0700; an existing hand-off folder keeps its mode.
          await makeDirs(folder, 0o700);
          const ids = [await place(delivery.bundlePath, folder)];
          if (delivery.viewerPath !== undefined) ids.push(await place(delivery.viewerPath, folder));
          return { status: "sent", ids };
        } catch (error) {
          const partial = join(folder, `${basename(delivery.bundlePath)}.partial`);
          if (await exists(partial)) await rm(partial, { force: true });
          return { status: "failed", reason: "folder.notWritable", params: { folder, reason: String(error) }, retryable: true };
        }
      },
    };
  },
};

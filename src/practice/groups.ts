/**
 * Client groups (`nachklang group add NAME ALIAS…`): a group's name and its members' client tags
 * (src/delivery/client-tag.ts, a keyed hash of the alias), so the file at rest names nobody.
 * Members are found again by computing the tags of the clients in the encrypted registry, which
 * needs the practice's keys. One JSON file in the home folder, 0600, written atomically.
 *
 * A client who is removed or forgotten leaves every group (`removeFromGroups`); a group that
 * loses its last member this way stays, empty, until it is removed.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import * as z from "../zod-mini.js";
import { IntegrityError, unreadableFile } from "../errors.js";
import { writePrivateFile } from "../files.js";

/** A group's name: letters, digits, dot, dash and underscore, at most 40 (it is stored in plain text). */
export const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;

const TAG = /^[0-9a-f]{32}$/;

const groupsSchema = z.strictObject({
  v: z.literal(1),
  groups: z.record(z.string().check(z.regex(GROUP_NAME)), z.array(z.string().check(z.regex(TAG)))),
});
export type Groups = Record<string, string[]>;

export function groupsFile(root: string): string {
  return join(root, "groups.json");
}

/** The groups, by name, each with its members' client tags; none when the file does not exist. */
export async function readGroups(root: string): Promise<Groups> {
  const file = groupsFile(root);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw unreadableFile(file, error) ?? error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  const parsed = groupsSchema.safeParse(data);
  // Damaged data is exit 5, as for the client registry and the ledger.
  if (!parsed.success) throw new IntegrityError("group.damaged", { file });
  return parsed.data.groups;
}

export async function writeGroups(root: string, groups: Groups): Promise<void> {
  const sorted = Object.fromEntries(Object.entries(groups).sort(([a], [b]) => a.localeCompare(b)));
  await writePrivateFile(groupsFile(root), JSON.stringify(groupsSchema.parse({ v: 1, groups: sorted }), null, 2) + "\n");
}

/**
 * Take the clients with these tags out of every group (`client remove`, `client forget`). Groups
 * left without members stay. Returns the names of the groups that lost a member, sorted; the
 * file is written only when one did.
 */
export async function removeFromGroups(root: string, tags: readonly string[]): Promise<string[]> {
  const groups = await readGroups(root);
  const left = Object.keys(groups).filter((name) => groups[name]!.some((tag) => tags.includes(tag)));
  if (left.length === 0) return [];
  const kept = Object.fromEntries(Object.entries(groups).map(([name, members]) => [name, members.filter((tag) => !tags.includes(tag))]));
  await writeGroups(root, kept);
  return left.sort((a, b) => a.localeCompare(b));
}

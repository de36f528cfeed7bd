/** `nachklang group add|list|remove`: named groups of clients, stored as client tags. */
import { ExitCode, UserError } from "../../errors.js";
import { labelNamesClient } from "../../practice/client-search.js";
import { readGroups, writeGroups } from "../../practice/groups.js";
import type { CliContext } from "../context.js";
import { groupMembers, memberList, requireGroupName } from "../groups.js";
import { openCliWorkflow } from "../workflow.js";

/** `group add NAME ALIAS…`: create the group, or add members to it. */
export async function add(ctx: CliContext, name: string, aliases: string[]): Promise<void> {
  requireGroupName(name);
  const { practice, wf } = await openCliWorkflow(ctx);
  for (const alias of aliases) {
    const { forgotten } = practice.clients.require(alias);
    if (forgotten !== undefined) throw new UserError(ExitCode.usage, "group.forgotten", { alias, date: forgotten });
  }
  // The name is stored as it is (groups.json): it must not name any client of the practice.
  const named = practice.clients.list().find((client) => labelNamesClient(name, client));
  if (named !== undefined) throw new UserError(ExitCode.usage, "group.namesClient", { name, alias: named.alias });
  const groups = await readGroups(ctx.home.root);
  // "Super" beside "super" would be two groups nobody tells apart when sending.
  const twin = Object.keys(groups).find((other) => other !== name && other.toLowerCase() === name.toLowerCase());
  if (twin !== undefined) throw new UserError(ExitCode.usage, "group.caseTwin", { name, other: twin });
  const tags = groups[name] ?? [];
  for (const alias of aliases) {
    const tag = await wf.tagger(alias);
    if (!tags.includes(tag)) tags.push(tag);
  }
  await writeGroups(ctx.home.root, { ...groups, [name]: tags });
  const members = await groupMembers(ctx, wf, name);
  ctx.out.say("group.saved", { name, members: memberList(ctx, members) });
  ctx.out.result({ name, members: members.map((m) => m ?? null) });
}

export async function list(ctx: CliContext): Promise<void> {
  const groups = await readGroups(ctx.home.root);
  const names = Object.keys(groups).sort();
  if (names.length === 0) {
    ctx.out.say("group.none");
    ctx.out.result([]);
    return;
  }
  // Members are named only with the keys: their tags are matched against the clients'.
  const { wf } = await openCliWorkflow(ctx);
  const out: { name: string; members: (string | null)[] }[] = [];
  for (const name of names) {
    const members = await groupMembers(ctx, wf, name);
    ctx.out.say("group.line", { name, members: memberList(ctx, members) });
    out.push({ name, members: members.map((m) => m ?? null) });
  }
  ctx.out.result(out);
}

/** `group remove NAME`: the whole group; `group remove NAME ALIAS…`: those members only. */
export async function remove(ctx: CliContext, name: string, aliases: string[] = []): Promise<void> {
  requireGroupName(name);
  const groups = await readGroups(ctx.home.root);
  const tags = groups[name];
  if (tags === undefined) throw new UserError(ExitCode.usage, "group.unknown", { name });
  if (aliases.length === 0) {
    const rest = Object.fromEntries(Object.entries(groups).filter(([n]) => n !== name));
    await writeGroups(ctx.home.root, rest);
    ctx.out.say("group.removed", { name });
    ctx.out.result({ name, removed: true });
    return;
  }
  const { wf } = await openCliWorkflow(ctx);
  const drop: string[] = [];
  for (const alias of aliases) {
    const tag = await wf.tagger(alias);
    if (!tags.includes(tag)) throw new UserError(ExitCode.usage, "group.notMember", { alias, name });
    drop.push(tag);
  }
  await writeGroups(ctx.home.root, { ...groups, [name]: tags.filter((t) => !drop.includes(t)) });
  ctx.out.say("group.membersRemoved", { name, removed: aliases.join(", ") });
  ctx.out.result({ name, removed: aliases });
}

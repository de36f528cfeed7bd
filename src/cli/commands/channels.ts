import { ExitCode, UserError } from "../../errors.js";
import { printable } from "../../printable.js";
import type { MessageKey } from "../../messages/index.js";
import { homedir } from "node:os";
import { relative } from "node:path";
import { exists, isInside, readSecretFile } from "../../files.js";
import { labelNamesClient } from "../../practice/client-search.js";
import type { ChannelConfiguration, ChannelType, HealthReport } from "../../channels/contract.js";
import { configuredChannels, createChannel, loadChannelSettings, secretKey } from "../../channels/factory.js";
import { channelType, requireChannelType, requireNewChannelName } from "../../channels/registry.js";
import type { CliContext } from "../context.js";
import { unlockPractice } from "../practice.js";
import { findingsJson, recheckAfterEdit } from "../queue-recheck.js";

type Options = Record<string, unknown> & { name?: string };

/**
 * What an empty secret file should have held, by channel type and secret; any other gets the
 * neutral line. (Threema's private key is checked as a key before: an empty one is no key.)
 */
const EMPTY_SECRET: Readonly<Record<string, MessageKey>> = {
  "email.password": "email.config.emptyPassword",
  "threema.secret": "threema.config.emptySecret",
};

/**
 * The secrets a channel was given as files, as stored: each file read once (or taken as
 * `configure` already read it), surrounding white space removed, never empty.
 */
async function secretValues(type: string, { secretFiles, secretsRead }: ChannelConfiguration): Promise<(readonly [string, string])[]> {
  return Promise.all(
    Object.entries(secretFiles).map(async ([secret, file]) => {
      const value = (secretsRead?.[secret] ?? (await readSecretFile(file)).toString("utf8")).trim();
      if (value.length === 0) throw new UserError(ExitCode.usage, EMPTY_SECRET[`${type}.${secret}`] ?? "file.secretEmpty", { file });
      return [secret, value] as const;
    }),
  );
}

const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * The options given for a channel of `type` (named `name`), without `--name`: refused when one
 * does not belong to the type (`--host` for a folder), with one line and nothing stored.
 */
function channelOptions(channelType: ChannelType, name: string, opts: Options): Record<string, unknown> {
  const given = Object.fromEntries(Object.entries(opts).filter(([k, v]) => v !== undefined && k !== "name"));
  const foreign = Object.keys(given).filter((k) => !channelType.options.includes(k));
  if (foreign.length > 0) throw new UserError(ExitCode.usage, "channel.optionNotForType", { option: foreign.map(flag).join(", "), count: foreign.length, name, type: channelType.type });
  return given;
}

/**
 * A channel's name and a folder it writes to are stored in plain text (config.json; the name in
 * every ledger line): refused when they name a client, as group names are. The part of a path
 * that is the user's own home folder is not compared (it holds the practitioner's login name,
 * which may well be a client's first name too). Nothing to compare while the practice has no
 * clients.
 */
async function refuseNamingClient(ctx: CliContext, name: string, settings: unknown, only?: "path"): Promise<void> {
  const path = (settings as { path?: unknown }).path;
  const own = homedir();
  const below = typeof path !== "string" ? "" : isInside(own, path) ? relative(own, path) : path;
  const labels: [string, string][] = [
    ...(only === "path" ? [] : [["name", name] as [string, string]]),
    ...below.split(/[\\/]+/).filter((s) => s !== "").map((s): [string, string] => ["path", s]),
  ];
  // Nothing to compare (no clients yet, or an edit that leaves the path): no passphrase asked.
  if (labels.length === 0 || !(await exists(ctx.home.clients))) return;
  const { clients } = await unlockPractice(ctx);
  for (const [what, label] of labels) {
    const named = clients.list().find((client) => labelNamesClient(label, client));
    if (named !== undefined) throw new UserError(ExitCode.usage, what === "name" ? "channel.nameNamesClient" : "channel.pathNamesClient", { name, value: label, alias: named.alias });
  }
}

export async function add(ctx: CliContext, type: string, opts: Options): Promise<void> {
  const channelType = requireChannelType(type);
  const name = opts.name ?? type;
  requireNewChannelName(name, type);
  const given = channelOptions(channelType, name, opts);
  const channels = ctx.config.get("channels") ?? {};
  if (Object.hasOwn(channels, name)) throw new UserError(ExitCode.usage, "channel.exists", { name });
  const configured = await channelType.configure(given);
  const { settings, secretFiles } = configured;
  const config = { type, settings: settings as Record<string, unknown> };
  loadChannelSettings(name, config);
  await refuseNamingClient(ctx, name, settings);
  const missing = channelType.secrets.filter((s) => secretFiles[s] === undefined);
  if (missing.length > 0) throw new UserError(ExitCode.usage, "channel.missingSecret", { name, secret: missing.join(", ") });
  if (Object.keys(secretFiles).length > 0) {
    const values = await secretValues(type, configured);
    const practice = await unlockPractice(ctx);
    for (const [secret, value] of values) await practice.setSecret(secretKey(name, secret), value);
  }
  ctx.config.set("channels", { ...channels, [name]: config });
  ctx.out.say("channel.added", { name, type });
  ctx.out.result({ name, type, settings: channelType.describe(settings) });
}

/**
 * Change a configured channel (or the embedded folder channel): options not given keep their
 * settings, secrets not given stay in the keyring, and the result passes the same checks as
 * `channels add`. Nothing is stored when a check fails. Afterwards the follow-ups waiting for
 * this channel are checked against the change and every affected one is named.
 */
export async function edit(ctx: CliContext, name: string, opts: Options): Promise<void> {
  const channels = ctx.config.get("channels") ?? {};
  const before = configuredChannels(channels)[name];
  if (before === undefined) throw new UserError(ExitCode.usage, "channel.unknown", { name });
  // Settings that fail today's checks (an older config, one edited by hand) are what edit corrects.
  const { type: channelType, settings: current } = loadChannelSettings(name, before, true);
  const given = channelOptions(channelType, name, opts);
  if (Object.keys(given).length === 0) throw new UserError(ExitCode.usage, "channel.nothingToEdit", { name });
  const configured = await channelType.configure(given, current);
  const { settings, secretFiles } = configured;
  const config = { type: before.type, settings: settings as Record<string, unknown> };
  const { settings: after } = loadChannelSettings(name, config);
  const shown = (s: unknown) => channelType.describe(s);
  const describedBefore = shown(current);
  const describedAfter = shown(after);
  const changed = Object.keys({ ...describedBefore, ...describedAfter }).filter((k) => describedBefore[k] !== describedAfter[k]);
  // The name was checked when the channel was added; a new folder is checked now.
  if (changed.includes("path")) await refuseNamingClient(ctx, name, after, "path");
  const replaced = Object.keys(secretFiles);
  // Values equal to the stored ones change nothing: said so, and nothing is written.
  if (changed.length === 0 && replaced.length === 0) {
    ctx.out.say("channel.editSame", { name });
    ctx.out.result({ name, type: before.type, settings: describedAfter, changed, secretsReplaced: [], secretsKept: channelType.secrets, queued: [] });
    return;
  }
  if (replaced.length > 0) {
    const values = await secretValues(before.type, configured);
    const practice = await unlockPractice(ctx);
    for (const [secret, value] of values) await practice.setSecret(secretKey(name, secret), value);
  }
  ctx.config.set("channels", { ...channels, [name]: config });
  ctx.out.say("channel.edited", { name, type: before.type, fields: [...changed, ...replaced.filter((r) => !changed.includes(r))].join(", ") });
  const kept = channelType.secrets.filter((s) => !replaced.includes(s));
  if (kept.length > 0) ctx.out.say("channel.secretsKept", { secrets: kept.join(", ") });
  const findings = await recheckAfterEdit(ctx, (m) => m.channel === name);
  ctx.out.result({ name, type: before.type, settings: describedAfter, changed, secretsReplaced: replaced, secretsKept: kept, queued: findingsJson(ctx, findings) });
}

export async function remove(ctx: CliContext, name: string): Promise<void> {
  const channels = { ...(ctx.config.get("channels") ?? {}) };
  const config = channels[name];
  if (config === undefined) throw new UserError(ExitCode.usage, "channel.unknown", { name });
  // An entry of a type this version does not know (edited by hand, or written by a newer one) can
  // be removed too: it has no secrets nachklang could know of.
  const type = channelType(config.type);
  if (type !== undefined && type.secrets.length > 0) {
    const practice = await unlockPractice(ctx);
    for (const secret of type.secrets) await practice.setSecret(secretKey(name, secret), undefined);
  }
  delete channels[name];
  ctx.config.set("channels", channels);
  ctx.out.say("channel.removed", { name });
  // Follow-ups waiting to go through it fail at the next flush: each is named now, with what to do.
  const findings = await recheckAfterEdit(ctx, (m) => m.channel === name);
  ctx.out.result({ removed: name, queued: findingsJson(ctx, findings) });
}

/** Secrets for building channels: unlock only when a channel needs them. */
async function secretsFor(ctx: CliContext, names: readonly string[]): Promise<Readonly<Record<string, string>> | undefined> {
  const all = configuredChannels(ctx.settings.channels);
  const needs = names.some((n) => {
    const c = all[n];
    // A type this version does not know has no secrets it could know of (loading it names it).
    return c !== undefined && (channelType(c.type)?.secrets.length ?? 0) > 0;
  });
  return needs ? (await unlockPractice(ctx)).secrets() : undefined;
}

function printHealth(ctx: CliContext, name: string, report: HealthReport): void {
  ctx.out.say(report.ok ? "channel.healthy" : "channel.unhealthy", { name });
  for (const line of report.lines) ctx.out.line(`  ${line.ok ? "✓" : "✗"} ${ctx.out.text(line.key, line.params)}`);
}

export async function list(ctx: CliContext): Promise<void> {
  const all = configuredChannels(ctx.settings.channels);
  const names = Object.keys(all);
  const secrets = await secretsFor(ctx, names);
  const rows = [];
  for (const name of names) {
    const config = all[name]!;
    const { type, settings } = loadChannelSettings(name, config);
    const report = await createChannel(name, { home: ctx.home.root, channels: ctx.settings.channels, ...(secrets ? { secrets } : {}) }).check();
    const described = type.describe(settings);
    // Settings are the user's text (a --from written before control characters were refused).
    const shown = Object.entries(described).map(([k, v]) => `${k}=${printable(String(v))}`).join(" ");
    ctx.out.line(`${name}\t${config.type}\t${shown}`);
    printHealth(ctx, name, report);
    rows.push({ name, type: config.type, settings: described, ok: report.ok });
  }
  ctx.out.result(rows);
}

export async function test(ctx: CliContext, name: string): Promise<void> {
  const secrets = await secretsFor(ctx, [name]);
  const channel = createChannel(name, { home: ctx.home.root, channels: ctx.settings.channels, ...(secrets ? { secrets } : {}) });
  const report = await channel.check();
  printHealth(ctx, name, report);
  ctx.out.result({ name, ok: report.ok, lines: report.lines.map((l) => ({ ok: l.ok, text: ctx.out.text(l.key, l.params) })) });
  if (!report.ok) process.exitCode = ExitCode.failure;
}

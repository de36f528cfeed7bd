/** `nachklang hours set|off|show`: contact hours, kept in the config (no client data). */
import { clockFromEnv } from "../../delivery/clock.js";
import {
  checkZone, contactHours, formatLocal, formatWindows, isOpen, nextOpening, parseDaysOff, parseWindows, systemZone,
  type DaysOff, type StoredHours,
} from "../../delivery/hours.js";
import { storedHours } from "../../followup/workflow.js";
import { ExitCode, UserError } from "../../errors.js";
import type { CliContext } from "../context.js";
import { inboxConfig, setInboxConfig } from "../workflow.js";

function save(ctx: CliContext, hours: StoredHours): void {
  ctx.config.set("hours", { spec: hours.spec, tz: hours.tz, off: hours.off.map((o) => ({ ...o })) });
}

const rangeText = (o: DaysOff) => (o.from === o.to ? o.from : `${o.from}..${o.to}`);

export async function set(ctx: CliContext, spec: string, o: { tz?: string }): Promise<void> {
  await Promise.resolve();
  const windows = parseWindows(spec);
  const previous = storedHours(ctx.settings);
  const tz = checkZone(o.tz ?? previous?.tz ?? systemZone());
  const hours: StoredHours = { spec: formatWindows(windows), tz, off: previous?.off ?? [] };
  save(ctx, hours);
  // Stored with English day names (both are read back); echoed in the user's language.
  ctx.out.say("hours.saved", { spec: formatWindows(windows, ctx.lang), tz });
  ctx.out.result({ spec: hours.spec, tz, off: hours.off });
}

export async function off(ctx: CliContext, ranges: string[], o: { clear?: boolean }): Promise<void> {
  await Promise.resolve();
  const previous = storedHours(ctx.settings) ?? { spec: "mo-su 00:00-24:00", tz: systemZone(), off: [] };
  const added = ranges.map(parseDaysOff);
  const all = o.clear === true ? added : [...previous.off, ...added];
  const unique = [...new Map(all.map((r) => [rangeText(r), r])).values()].sort((a, b) => a.from.localeCompare(b.from));
  save(ctx, { ...previous, off: unique });
  if (unique.length === 0) ctx.out.say("hours.offCleared");
  else ctx.out.say("hours.offSaved", { ranges: unique.map(rangeText).join(", ") });
  ctx.out.result({ spec: previous.spec, tz: previous.tz, off: unique });
}

export async function show(ctx: CliContext): Promise<void> {
  await Promise.resolve();
  const stored = storedHours(ctx.settings);
  const now = clockFromEnv()();
  if (stored === undefined) {
    ctx.out.say("hours.none");
    ctx.out.result({ hours: null, open: true });
    return;
  }
  const hours = contactHours(stored);
  const open = isOpen(hours, now);
  const next = nextOpening(hours, now);
  ctx.out.say("hours.show", { spec: formatWindows(hours.windows, ctx.lang), tz: hours.tz });
  if (hours.off.length > 0) ctx.out.say("hours.showOff", { ranges: hours.off.map(rangeText).join(", ") });
  const nowText = formatLocal(now, hours.tz, ctx.lang);
  if (open) ctx.out.say("hours.openNow", { now: nowText });
  else if (next === null) ctx.out.say("hours.neverOpen");
  else ctx.out.say("hours.nextOpening", { now: nowText, next: formatLocal(next, hours.tz, ctx.lang) });
  const awayNotice = inboxConfig(ctx).awayNotice === true;
  ctx.out.say(awayNotice ? "hours.awayNoticeOn" : "hours.awayNoticeOff");
  ctx.out.result({ spec: hours.spec, tz: hours.tz, off: hours.off, open, next: next?.toISOString() ?? null, awayNotice });
}

/** `hours away-notice on|off`: the automatic notice to clients who write outside contact hours. */
export async function awayNotice(ctx: CliContext, state: string): Promise<void> {
  await Promise.resolve();
  if (state !== "on" && state !== "off") throw new UserError(ExitCode.usage, "inbox.onOff", { value: state });
  const on = state === "on";
  setInboxConfig(ctx, { awayNotice: on });
  ctx.out.say(on ? "hours.awayNoticeOn" : "hours.awayNoticeOff");
  if (on && storedHours(ctx.settings) === undefined) ctx.out.warn("hours.awayNoticeNoHours");
  ctx.out.result({ awayNotice: on, hours: storedHours(ctx.settings) !== undefined });
}

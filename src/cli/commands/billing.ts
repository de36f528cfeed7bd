/** `nachklang billing set|show`: the practice's billing defaults (no secrets, no client data). */
import { ExitCode, UserError } from "../../errors.js";
import { configFile } from "../../practice/config.js";
import {
  BILLING_PROFILES,
  billingSettings,
  formatCents,
  formatFactor,
  parseFactor,
  parseHourlyRate,
  parseRounding,
  type BillingProfile,
  requireBillingSettings,
  type BillingSettings,
} from "../../records/billing.js";
import type { CliContext } from "../context.js";

function show(ctx: CliContext, s: BillingSettings): void {
  ctx.out.say("billing.settings", {
    profile: s.profile,
    hourly: s.hourlyCents === undefined ? "–" : formatCents(s.hourlyCents),
    round: s.roundMinutes,
    factor: formatFactor(s.goaeFactor),
  });
  ctx.out.result({ profile: s.profile, hourlyCents: s.hourlyCents ?? null, roundMinutes: s.roundMinutes, goaeFactor: formatFactor(s.goaeFactor) });
}

export function set(ctx: CliContext, o: { profile?: string; hourly?: string; round?: string; goaeFactor?: string }): Promise<void> {
  if (o.profile !== undefined && !(BILLING_PROFILES as readonly string[]).includes(o.profile)) {
    throw new UserError(ExitCode.usage, "billing.badProfile", { value: o.profile });
  }
  const current = billingSettings(ctx.config.get("billing"));
  const next: BillingSettings = {
    ...current,
    ...(o.profile === undefined ? {} : { profile: o.profile as BillingProfile }),
    ...(o.hourly === undefined ? {} : { hourlyCents: parseHourlyRate(o.hourly) }),
    ...(o.round === undefined ? {} : { roundMinutes: parseRounding(o.round) }),
    ...(o.goaeFactor === undefined ? {} : { goaeFactor: parseFactor(o.goaeFactor) }),
  };
  if (next.profile === "hourly" && next.hourlyCents === undefined) throw new UserError(ExitCode.usage, "billing.noRate");
  ctx.config.set("billing", next);
  show(ctx, next);
  return Promise.resolve();
}

export function showSettings(ctx: CliContext): Promise<void> {
  show(ctx, requireBillingSettings(ctx.settings.billing, configFile(ctx.home.root)));
  return Promise.resolve();
}

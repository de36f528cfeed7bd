/** `nachklang consent record|withdraw|show ALIAS`: consent per channel type, in the encrypted client record. */
import { DateTime } from "luxon";
import { clockFromEnv } from "../../delivery/clock.js";
import { requireChannelType } from "../../channels/registry.js";
import { consentDay, withConsent, withConsentWithdrawn } from "../../practice/consent.js";
import type { CliContext } from "../context.js";
import { unlockPractice } from "../practice.js";


interface ConsentOptions {
  channel: string;
  date?: string;
  infoVersion?: string;
}

function today(): string {
  return DateTime.fromJSDate(clockFromEnv()()).toISODate() ?? "";
}

export async function record(ctx: CliContext, alias: string, o: ConsentOptions): Promise<void> {
  requireChannelType(o.channel);
  const date = consentDay(o.date, today());
  const version = o.infoVersion ?? "1";
  const practice = await unlockPractice(ctx);
  const client = practice.clients.requireActive(alias);
  await practice.clients.put(withConsent(client, o.channel, date, version));
  ctx.out.say("consent.recorded", { alias, channel: o.channel, date, version });
  ctx.out.result({ alias, channel: o.channel, date, infoVersion: version });
}

export async function withdraw(ctx: CliContext, alias: string, o: ConsentOptions): Promise<void> {
  // A misspelt type would withdraw nothing while the practitioner believes it withdrawn.
  requireChannelType(o.channel);
  const date = consentDay(o.date, today());
  const practice = await unlockPractice(ctx);
  const client = practice.clients.require(alias);
  await practice.clients.put(withConsentWithdrawn(client, o.channel, date));
  ctx.out.say("consent.withdrawn", { alias, channel: o.channel, date });
  ctx.out.result({ alias, channel: o.channel, withdrawn: date });
}

export async function show(ctx: CliContext, alias: string): Promise<void> {
  const practice = await unlockPractice(ctx);
  const client = practice.clients.require(alias);
  if (client.consents.length === 0) ctx.out.say("consent.showNone", { alias });
  for (const c of client.consents) {
    ctx.out.say("consent.showLine", {
      channel: c.channel,
      date: c.date,
      version: c.infoVersion,
      withdrawn: c.withdrawn === undefined ? "" : ctx.out.text("consent.showWithdrawn", { date: c.withdrawn }),
    });
  }
  ctx.out.result({ alias, consents: client.consents });
}

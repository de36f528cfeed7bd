/**
 * Consent per channel type. A client's record keeps every consent given and withdrawn
 * (channel type, date, version of the information given). Consent for a type is current when
 * the newest record for that type is not withdrawn. Nothing is delivered without it.
 */
import { ExitCode, UserError } from "../errors.js";
import type { ClientRecord, ConsentRecord } from "./clients.js";

export function currentConsent(client: ClientRecord, channelType: string): ConsentRecord | undefined {
  const records = client.consents.filter((c) => c.channel === channelType);
  const newest = records[records.length - 1];
  return newest !== undefined && newest.withdrawn === undefined ? newest : undefined;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function checkDay(value: string): string {
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new UserError(ExitCode.usage, "consent.badDate", { value });
  }
  return value;
}

/**
 * The day a consent was given or withdrawn: `value` (YYYY-MM-DD) or else `today`. A day after
 * today is refused: the record is evidence of what the client agreed to, and a consent dated in
 * the future (a typo, most likely) would count as given at once.
 */
export function consentDay(value: string | undefined, today: string): string {
  const day = checkDay(value ?? today);
  if (day > today) throw new UserError(ExitCode.usage, "consent.futureDate", { value: day });
  return day;
}

/**
 * The record with a new consent appended (any earlier one for the type stays as history). The
 * caller has checked the type (channels/registry.ts `requireChannelType`: never WhatsApp).
 */
export function withConsent(client: ClientRecord, channelType: string, date: string, infoVersion: string): ClientRecord {
  return { ...client, consents: [...client.consents, { channel: channelType, date: checkDay(date), infoVersion }] };
}

/** The record with the current consent for the type marked withdrawn on `date`. */
export function withConsentWithdrawn(client: ClientRecord, channelType: string, date: string): ClientRecord {
  const current = currentConsent(client, channelType);
  if (current === undefined) throw new UserError(ExitCode.usage, "consent.noneToWithdraw", { alias: client.alias, channel: channelType });
  const index = client.consents.lastIndexOf(current);
  const consents = client.consents.map((c, i) => (i === index ? { ...c, withdrawn: checkDay(date) } : c));
  return { ...client, consents };
}

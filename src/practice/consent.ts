/**
 * Consent per channel type. A client's record keeps every consent given and withdrawn
 * (channel type, date, version of the information given). Consent for a type is current when
 * the newest record for that type is not withdrawn. Nothing is delivered without it.
 */
import { ExitCode, PolicyError, UserError } from "../errors.js";
import type { ClientRecord, ConsentRecord } from "./clients.js";

/** Channel types nobody may consent to through nachklang. */
export function isWhatsApp(name: string): boolean {
  return /^whats\s*app$/i.test(name.trim()) || /^wa$/i.test(name.trim());
}

/** Refuse WhatsApp with the reason (exit 4). */
export function refuseWhatsApp(): never {
  throw new PolicyError("channels.whatsappRefused");
}

export function currentConsent(client: ClientRecord, channelType: string): ConsentRecord | undefined {
  const records = client.consents.filter((c) => c.channel === channelType);
  const newest = records[records.length - 1];
  return newest !== undefined && newest.withdrawn === undefined ? newest : undefined;
}

/** Throws PolicyError (exit 4) naming the exact command that records consent. */
export function requireConsent(client: ClientRecord, channelType: string): ConsentRecord {
  if (isWhatsApp(channelType)) refuseWhatsApp();
  const consent = currentConsent(client, channelType);
  if (consent === undefined) {
    throw new PolicyError("consent.missing", {
      alias: client.alias,
      channel: channelType,
      command: `nachklang consent record ${client.alias} --channel ${channelType}`,
    });
  }
  return consent;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function checkDay(value: string): string {
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new UserError(ExitCode.usage, "consent.badDate", { value });
  }
  return value;
}

/** The record with a new consent appended (any earlier one for the type stays as history). */
export function withConsent(client: ClientRecord, channelType: string, date: string, infoVersion: string): ClientRecord {
  if (isWhatsApp(channelType)) refuseWhatsApp();
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

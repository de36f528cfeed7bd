/**
 * Consent per channel type. A client's record keeps every consent given and withdrawn
 * (channel type, date, version of the information given). Consent for a type is current when
 * the newest record for that type is not withdrawn. Nothing is delivered without it.
 */
import { ExitCode, UserError } from "../errors.js";
import { printable } from "../printable.js";
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
 * The earliest day a consent can carry. Consent here is consent to receive therapy content over a
 * messenger, e-mail or a hand-off of encrypted files, which no practice asked for before this;
 * a day before it is a typo (0202 for 2020, 1926 for 2026). A fixed day, not the retention
 * period: the period counts from a client's last contact, so a client in therapy for longer
 * than it has a real consent older than its start (docs/decisions/consent-floor.md).
 */
export const EARLIEST_CONSENT_DAY = "2000-01-01";

/**
 * The day a consent was given or withdrawn: `value` (YYYY-MM-DD) or else `today`. A day after
 * today is refused: the record is evidence of what the client agreed to, and a consent dated in
 * the future (a typo, most likely) would count as given at once. So is a day before
 * EARLIEST_CONSENT_DAY.
 */
export function consentDay(value: string | undefined, today: string): string {
  const day = checkDay(value ?? today);
  if (day > today) throw new UserError(ExitCode.usage, "consent.futureDate", { value: day });
  if (day < EARLIEST_CONSENT_DAY) throw new UserError(ExitCode.usage, "consent.tooEarly", { value: day, earliest: EARLIEST_CONSENT_DAY });
  return day;
}

/**
 * The record with a new consent appended (any earlier one for the type stays as history). The
 * caller has checked the type (channels/registry.ts `requireChannelType`: never WhatsApp).
 */
export function withConsent(client: ClientRecord, channelType: string, date: string, infoVersion: string): ClientRecord {
  // A version label as printed on the information sheet; `consent show` prints it again.
  if (!/^[\p{L}\p{N}][\p{L}\p{N}._/-]{0,39}$/u.test(infoVersion)) throw new UserError(ExitCode.usage, "consent.badInfoVersion", { value: printable(infoVersion.slice(0, 60)) });
  return { ...client, consents: [...client.consents, { channel: channelType, date: checkDay(date), infoVersion }] };
}

/**
 * The record with the current consent for the type marked withdrawn on `date`. A day before the
 * consent was given is refused (exit 2): a consent withdrawn before it existed is a typo.
 */
export function withConsentWithdrawn(client: ClientRecord, channelType: string, date: string): ClientRecord {
  const current = currentConsent(client, channelType);
  if (current === undefined) throw new UserError(ExitCode.usage, "consent.noneToWithdraw", { alias: client.alias, channel: channelType });
  const day = checkDay(date);
  if (day < current.date) {
    throw new UserError(ExitCode.usage, "consent.withdrawnBeforeGiven", { alias: client.alias, channel: channelType, value: date, given: current.date });
  }
  const index = client.consents.lastIndexOf(current);
  const consents = client.consents.map((c, i) => (i === index ? { ...c, withdrawn: day } : c));
  return { ...client, consents };
}

/**
 * A client's stored consent records that today's checks would refuse and no later record for the
 * same channel type settles: given or withdrawn before EARLIEST_CONSENT_DAY, or withdrawn before
 * they were given. Such records were taken before those checks existed (`0202-03-01` for
 * `2020-03-01`). Records are never changed, so a later record for the type — the practitioner
 * recording the consent again with the right day — is what settles one; it stays as history.
 */
export function doubtfulConsents(client: ClientRecord): ConsentRecord[] {
  return client.consents.filter((record, index) => {
    const settled = client.consents.slice(index + 1).some((later) => later.channel === record.channel);
    if (settled) return false;
    const withdrawn = record.withdrawn;
    return record.date < EARLIEST_CONSENT_DAY || (withdrawn !== undefined && (withdrawn < EARLIEST_CONSENT_DAY || withdrawn < record.date));
  });
}

/**
 * Billing profiles and money. Every amount is an integer number of euro cents; every product
 * of a rate and a quantity is computed in integers and rounded once, half up (commercial
 * rounding), to the cent. Sums add cents. Nothing here ever adds floating-point euros.
 *
 * - `hourly`: billed minutes = the duration rounded up to the practice's step (1, 5, 10 or 15
 *   minutes, "per started step"); amount = rate per hour × billed minutes / 60, rounded half up.
 * - `goae`: GOÄ no. 1 (advice, also by telephone: 80 points) for a contact under 10 minutes,
 *   no. 3 (extended advice of at least 10 minutes: 150 points) from 10 minutes on; one item per
 *   contact, so nos. 1 and 3 are never billed together for the same contact. Fee = points ×
 *   point value (5.82873 cent) × factor (default 2.3), rounded half up to the cent per item:
 *   no. 1 = 10.72 €, no. 3 = 20.11 € at 2.3.
 * - `none`: the time is documented, nothing is billed.
 */
import { z } from "../zod.js";
import { ExitCode, IntegrityError, UserError } from "../errors.js";

export const BILLING_PROFILES = ["hourly", "goae", "none"] as const;
export type BillingProfile = (typeof BILLING_PROFILES)[number];
export const ROUNDING_STEPS = [1, 5, 10, 15] as const;
export type RoundingStep = (typeof ROUNDING_STEPS)[number];

/** GOÄ point value in 1/100000 cent (5.82873 cent, valid since 1996). */
export const GOAE_POINT_VALUE = 582_873n;
const POINT_VALUE_SCALE = 100_000n;
/** Factors are kept in hundredths (2.3 → 230). */
const FACTOR_SCALE = 100n;
export const GOAE_DEFAULT_FACTOR = 230;
/** The highest factor the GOÄ allows (§5: 3.5, with a written reason above 2.3). */
export const GOAE_MAX_FACTOR = 350;

export const billingSettingsSchema = z
  .object({
    profile: z.enum(BILLING_PROFILES).default("none"),
    /** Rate per hour in cents. */
    hourlyCents: z.number().int().positive().optional(),
    roundMinutes: z.union([z.literal(1), z.literal(5), z.literal(10), z.literal(15)]).default(1),
    /** Hundredths: 230 is the factor 2.3. */
    goaeFactor: z.number().int().min(100).max(GOAE_MAX_FACTOR).default(GOAE_DEFAULT_FACTOR),
  })
  .strict();
export type BillingSettings = z.infer<typeof billingSettingsSchema>;

/** The practice's settings from the config value `billing` (absent or damaged: the defaults). */
export function billingSettings(stored: unknown): BillingSettings {
  const parsed = billingSettingsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : billingSettingsSchema.parse({});
}

/**
 * The settings a bill is made with: absent, the defaults; stored but not of their shape (a
 * hand-edited config.json), exit 5 naming `file`: falling back to the defaults would bill
 * every entry under `none`, 0.00, without a word.
 */
export function requireBillingSettings(stored: unknown, file: string): BillingSettings {
  if (stored === undefined) return billingSettingsSchema.parse({});
  const parsed = billingSettingsSchema.safeParse(stored);
  if (!parsed.success) throw new IntegrityError("billing.damaged", { file });
  return parsed.data;
}

/** Integer division rounded half up (both positive). */
function divHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/** "90", "90.5", "90,50" → 9000, 9050, 9050 cents. At most two decimals; positive. */
export function parseEuros(text: string): number {
  const m = /^(\d{1,6})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (m === null) throw new UserError(ExitCode.usage, "billing.badAmount", { value: text });
  const cents = Number(m[1]) * 100 + Number((m[2] ?? "0").padEnd(2, "0"));
  if (cents === 0) throw new UserError(ExitCode.usage, "billing.badAmount", { value: text });
  return cents;
}

/**
 * The highest hourly rate `billing set --hourly` takes: 2,000.00 EUR. Psychotherapy is billed far
 * below it (the GOÄ's highest factor gives some 180 EUR an hour) and executive coaching below or
 * near 1,000; above it, a separator was left out (9250 for 92.50), and every hourly entry would
 * be billed a hundred times over.
 */
export const MAX_HOURLY_CENTS = 200_000;

/** An hourly rate in cents: an amount (`parseEuros`) of at most `MAX_HOURLY_CENTS`. */
export function parseHourlyRate(text: string): number {
  const cents = parseEuros(text);
  if (cents > MAX_HOURLY_CENTS) throw new UserError(ExitCode.usage, "billing.rateTooHigh", { value: text, max: MAX_HOURLY_CENTS / 100 });
  return cents;
}

/** "2.3", "2,3", "1.8" → 230, 230, 180 (hundredths), from 1.0 to 3.5. */
export function parseFactor(text: string): number {
  const m = /^(\d)(?:[.,](\d{1,2}))?$/.exec(text.trim());
  const value = m === null ? Number.NaN : Number(m[1]) * 100 + Number((m[2] ?? "0").padEnd(2, "0"));
  if (!(value >= 100 && value <= GOAE_MAX_FACTOR)) throw new UserError(ExitCode.usage, "billing.badFactor", { value: text });
  return value;
}

export function parseRounding(text: string): RoundingStep {
  const m = /^(\d{1,2})m?$/.exec(text.trim());
  const step = Number(m?.[1]);
  if (!(ROUNDING_STEPS as readonly number[]).includes(step)) throw new UserError(ExitCode.usage, "billing.badRounding", { value: text });
  return step as RoundingStep;
}

/** 1072 → "10.72" (decimal point, for CSV and JSON). */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** 230 → "2.3". */
export function formatFactor(hundredths: number): string {
  // Display only: the factor is never computed with as a float.
  return String(hundredths / 100);
}

/** Minutes rounded up to the step: each started step counts. */
export function billedMinutes(minutes: number, step: RoundingStep): number {
  return Math.ceil(minutes / step) * step;
}

export function hourlyCents(minutes: number, rateCents: number, step: RoundingStep): { billed: number; cents: number } {
  const billed = billedMinutes(minutes, step);
  return { billed, cents: Number(divHalfUp(BigInt(rateCents) * BigInt(billed), 60n)) };
}

export interface GoaeItem {
  /** GOÄ number. */
  readonly number: "1" | "3";
  readonly points: number;
}

/** One contact is one item: no. 3 from 10 minutes on, else no. 1 — never both. */
export function goaeItem(minutes: number): GoaeItem {
  return minutes >= 10 ? { number: "3", points: 150 } : { number: "1", points: 80 };
}

/** points × 5.82873 cent × factor, rounded half up to the cent. */
export function goaeCents(points: number, factor: number): number {
  return Number(divHalfUp(BigInt(points) * GOAE_POINT_VALUE * BigInt(factor), POINT_VALUE_SCALE * FACTOR_SCALE));
}

export interface BilledEntry {
  readonly profile: BillingProfile;
  /** Minutes billed (after rounding for `hourly`; the duration otherwise). */
  readonly billedMinutes: number;
  /** `GOÄ 1`, `GOÄ 3`, `hourly`, or empty for `none`. */
  readonly item: string;
  readonly cents: number;
}

/**
 * The bill for one contact under a profile. An hourly profile without a rate is a configuration
 * error (exit 2) naming the command that sets it.
 */
export function billEntry(minutes: number, profile: BillingProfile, settings: BillingSettings): BilledEntry {
  switch (profile) {
    case "hourly": {
      if (settings.hourlyCents === undefined) throw new UserError(ExitCode.usage, "billing.noRate");
      const { billed, cents } = hourlyCents(minutes, settings.hourlyCents, settings.roundMinutes);
      return { profile, billedMinutes: billed, item: "hourly", cents };
    }
    case "goae": {
      const item = goaeItem(minutes);
      return { profile, billedMinutes: minutes, item: `GOÄ ${item.number}`, cents: goaeCents(item.points, settings.goaeFactor) };
    }
    case "none":
      return { profile, billedMinutes: minutes, item: "", cents: 0 };
  }
}

/**
 * The billing report of a month: one line per contact-time entry with its billing item and
 * amount, a sum per client, a total. It names clients (it is for the practitioner's invoicing)
 * unless asked for pseudonyms; it is the one file nachklang writes that does, and only where
 * the practitioner says.
 */
import { billEntry, formatCents, formatFactor, type BillingProfile, type BillingSettings } from "./billing.js";
import { formatMinutes } from "./duration.js";
import type { TimeEntry, TimeKind } from "./time.js";

export interface ReportClient {
  readonly alias: string;
  readonly name?: string;
  /** The client's own profile; absent: the practice default. */
  readonly billing?: BillingProfile;
}

export interface ReportLine {
  readonly day: string;
  readonly alias: string;
  /** The name (or the alias with pseudonyms, or when no name is stored). */
  readonly client: string;
  readonly kind: TimeKind;
  readonly minutes: number;
  readonly billedMinutes: number;
  readonly profile: BillingProfile;
  readonly item: string;
  readonly cents: number;
  readonly entry: string;
}

export interface ClientSum {
  readonly alias: string;
  readonly client: string;
  readonly entries: number;
  readonly minutes: number;
  readonly cents: number;
}

export interface BillingReport {
  readonly from: string;
  readonly to: string;
  readonly lines: readonly ReportLine[];
  readonly sums: readonly ClientSum[];
  readonly totalCents: number;
  readonly settings: BillingSettings;
  /** Entries of clients no longer in the registry (listed, not billed). */
  readonly unregistered: number;
}

/**
 * Bill the entries. `clients` maps a client tag to the client; an entry whose client is no
 * longer in the registry is listed as `? (TAG)` (the first 8 hex digits of its tag, so that two
 * removed clients keep their own sums) and billed under `none`: their profile left with them.
 */
export function buildReport(
  entries: readonly TimeEntry[],
  clients: ReadonlyMap<string, ReportClient>,
  settings: BillingSettings,
  range: { from: string; to: string },
  pseudonyms: boolean,
): BillingReport {
  const inRange = entries.filter((e) => e.day >= range.from && e.day <= range.to);
  const lines: ReportLine[] = inRange
    .map((e) => {
      const c = clients.get(e.client);
      const profile: BillingProfile = c === undefined ? "none" : (c.billing ?? settings.profile);
      const bill = billEntry(e.minutes, profile, settings);
      const alias = c?.alias ?? `? (${e.client.slice(0, 8)})`;
      return {
        day: e.day, alias, client: pseudonyms || c?.name === undefined ? alias : c.name, kind: e.kind,
        minutes: e.minutes, billedMinutes: bill.billedMinutes, profile, item: bill.item, cents: bill.cents, entry: e.id,
      };
    })
    .sort((a, b) => a.alias.localeCompare(b.alias) || a.day.localeCompare(b.day) || a.entry.localeCompare(b.entry));
  const sums = new Map<string, ClientSum>();
  for (const l of lines) {
    const s = sums.get(l.alias) ?? { alias: l.alias, client: l.client, entries: 0, minutes: 0, cents: 0 };
    sums.set(l.alias, { ...s, entries: s.entries + 1, minutes: s.minutes + l.minutes, cents: s.cents + l.cents });
  }
  const list = [...sums.values()];
  const unregistered = inRange.filter((e) => !clients.has(e.client)).length;
  return { ...range, lines, sums: list, totalCents: list.reduce((t, s) => t + s.cents, 0), settings, unregistered };
}

/** A CSV field: quoted when needed; a leading =, +, -, @ is defused for spreadsheets. */
function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function reportCsv(r: BillingReport): string {
  const rows: (string | number)[][] = [["type", "date", "client", "alias", "kind", "minutes", "billed_minutes", "profile", "item", "amount_eur", "entry"]];
  for (const l of r.lines) rows.push(["entry", l.day, l.client, l.alias, l.kind, l.minutes, l.billedMinutes, l.profile, l.item, formatCents(l.cents), l.entry]);
  for (const s of r.sums) rows.push(["sum", "", s.client, s.alias, "", s.minutes, "", "", `${s.entries}`, formatCents(s.cents), ""]);
  rows.push(["total", "", "", "", "", r.sums.reduce((t, s) => t + s.minutes, 0), "", "", `${r.lines.length}`, formatCents(r.totalCents), ""]);
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

export function reportJson(r: BillingReport): string {
  return JSON.stringify(
    {
      format: "nachklang-billing-report",
      version: 1,
      from: r.from,
      to: r.to,
      currency: "EUR",
      rules: {
        rounding: "amounts per entry in integer cents, rounded half up; sums add cents",
        hourlyCents: r.settings.hourlyCents ?? null,
        roundMinutes: r.settings.roundMinutes,
        goaeFactor: formatFactor(r.settings.goaeFactor),
        goaePointValueCent: "5.82873",
      },
      entries: r.lines.map((l) => ({ ...l, amount: formatCents(l.cents) })),
      clients: r.sums.map((s) => ({ ...s, amount: formatCents(s.cents) })),
      total: { cents: r.totalCents, amount: formatCents(r.totalCents) },
    },
    null,
    2,
  ) + "\n";
}

const mdCell = (value: string | number) => String(value).replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");

/** The words of the Markdown report, in the practice's language (CSV and JSON keep their fixed column names). */
export interface ReportWords {
  readonly title: string;
  /** Date, client, kind, time, billed, item, amount; then entries and total. */
  readonly columns: readonly [string, string, string, string, string, string, string];
  readonly entries: string;
  readonly total: string;
  readonly kind: (kind: string) => string;
  /** The decimal separator of amounts for people to read (`,` in German). */
  readonly decimal: "." | ",";
}

const ENGLISH_WORDS: ReportWords = {
  title: "Contact time",
  columns: ["Date", "Client", "Kind", "Time", "Billed", "Item", "EUR"],
  entries: "Entries",
  total: "Total",
  kind: (kind) => kind,
  decimal: ".",
};

export function reportMarkdown(r: BillingReport, words: ReportWords = ENGLISH_WORDS): string {
  const [date, client, kind, time, billed, item, amount] = words.columns;
  const eur = (cents: number) => formatCents(cents).replace(".", words.decimal);
  const out = [`# ${words.title}`, "", `${r.from} – ${r.to}`, ""];
  out.push(`| ${[date, client, kind, time, billed, item, amount].join(" | ")} |`, "|---|---|---|---:|---:|---|---:|");
  for (const l of r.lines) {
    out.push(`| ${[l.day, l.client, words.kind(l.kind), formatMinutes(l.minutes), formatMinutes(l.billedMinutes), l.item || "–", eur(l.cents)].map(mdCell).join(" | ")} |`);
  }
  out.push("", `| ${client} | ${words.entries} | ${time} | ${amount} |`, "|---|---:|---:|---:|");
  for (const s of r.sums) out.push(`| ${[s.client, s.entries, formatMinutes(s.minutes), eur(s.cents)].map(mdCell).join(" | ")} |`);
  out.push(`| **${words.total}** | ${r.lines.length} | ${formatMinutes(r.sums.reduce((t, s) => t + s.minutes, 0))} | **${eur(r.totalCents)}** |`, "");
  return out.join("\n");
}

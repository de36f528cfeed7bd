/**
 * `nachklang channels compare`: every channel type side by side on what practitioners weigh
 * (each channel type's `profile`), in the user's language; `--json` for the same facts as data.
 */
import type { ChannelProfile } from "../../channels/contract.js";
import { channelProfiles } from "../../channels/registry.js";
import type { Lang, MessageKey } from "../../messages/index.js";
import { t } from "../../messages/index.js";
import type { CliContext } from "../context.js";

type Criterion = { readonly key: MessageKey; readonly field: keyof ChannelProfile; readonly value: (p: ChannelProfile, lang: Lang) => string };

const yesNo = (value: boolean, lang: Lang) => t(lang, value ? "compare.yes" : "compare.no");

/** The rows of the comparison, in the order the issue names the criteria. */
export const CRITERIA: readonly Criterion[] = [
  {
    key: "compare.endToEnd",
    field: "endToEnd",
    value: (p, lang) => (p.endToEnd === "viewer" ? t(lang, "compare.viewer") : yesNo(p.endToEnd, lang)),
  },
  { key: "compare.phoneNumber", field: "phoneNumberRequired", value: (p, lang) => yesNo(p.phoneNumberRequired, lang) },
  { key: "compare.addressBook", field: "readsAddressBook", value: (p, lang) => p.readsAddressBook[lang] },
  { key: "compare.provider", field: "provider", value: (p, lang) => p.provider[lang] },
  { key: "compare.basedIn", field: "basedIn", value: (p, lang) => p.basedIn[lang] },
  { key: "compare.cost", field: "clientCost", value: (p, lang) => p.clientCost[lang] },
  { key: "compare.installs", field: "clientInstalls", value: (p, lang) => p.clientInstalls[lang] },
  {
    key: "compare.automatic",
    field: "automatic",
    value: (p, lang) => (!p.recommended && !p.automatic ? t(lang, "compare.notOffered") : p.automatic ? t(lang, "compare.yes") : t(lang, "compare.manual")),
  },
  { key: "compare.metadata", field: "metadata", value: (p, lang) => p.metadata[lang] },
  { key: "compare.recommended", field: "recommended", value: (p, lang) => yesNo(p.recommended, lang) },
];

/** Greedy word wrap; words longer than the width are cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (let word of text.split(/\s+/).filter((w) => w.length > 0)) {
    while (word.length > width) {
      if (line.length > 0) lines.push(line);
      // Break a long word after a hyphen when one fits, else hard.
      const hyphen = word.lastIndexOf("-", width - 1);
      const cut = hyphen > 0 ? hyphen + 1 : width;
      lines.push(word.slice(0, cut));
      word = word.slice(cut);
      line = "";
    }
    if (line.length === 0) line = word;
    else if (line.length + 1 + word.length <= width) line += " " + word;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line.length > 0 || lines.length === 0) lines.push(line);
  return lines;
}

const pad = (text: string, width: number) => text + " ".repeat(Math.max(0, width - [...text].length));

/** The comparison as text lines: columns side by side when `width` allows, else one block per channel. */
export function renderComparison(lang: Lang, width: number): string[] {
  const profiles = channelProfiles();
  const labels = CRITERIA.map((c) => t(lang, c.key));
  const labelWidth = Math.min(26, Math.max(...labels.map((l) => l.length)));
  const gap = " │ ";
  const columnWidth = Math.floor((width - labelWidth - gap.length * profiles.length) / profiles.length);
  const out: string[] = [t(lang, "compare.title"), ""];
  if (columnWidth >= 14) {
    const row = (cells: readonly string[][]) => {
      const height = Math.max(...cells.map((c) => c.length));
      for (let i = 0; i < height; i++) {
        out.push(cells.map((c, j) => pad(c[i] ?? "", j === 0 ? labelWidth : columnWidth)).join(gap).trimEnd());
      }
    };
    row([wrap(t(lang, "compare.criterion"), labelWidth), ...profiles.map((p) => [p.label[lang]])]);
    out.push(["─".repeat(labelWidth), ...profiles.map(() => "─".repeat(columnWidth))].join("─┼─"));
    CRITERIA.forEach((criterion, index) => {
      row([wrap(labels[index] ?? "", labelWidth), ...profiles.map((p) => wrap(criterion.value(p, lang), columnWidth))]);
    });
  } else {
    const textWidth = Math.max(20, width - labelWidth - 2);
    for (const p of profiles) {
      out.push(p.label[lang], "─".repeat(Math.min(width, 40)));
      CRITERIA.forEach((criterion, index) => {
        wrap(criterion.value(p, lang), textWidth).forEach((line, i) => out.push(`${pad(i === 0 ? (labels[index] ?? "") : "", labelWidth)}  ${line}`));
      });
      out.push("");
    }
  }
  out.push("", ...wrap(t(lang, "compare.footnote"), Math.max(40, width)));
  return out;
}

/** The comparison as data, texts in `lang`. */
export function comparisonData(lang: Lang) {
  return {
    lang,
    channels: channelProfiles().map((p) => ({
      type: p.type,
      name: p.label[lang],
      offered: p.recommended,
      endToEnd: p.endToEnd,
      phoneNumberRequired: p.phoneNumberRequired,
      readsAddressBook: p.readsAddressBook[lang],
      provider: p.provider[lang],
      basedIn: p.basedIn[lang],
      clientCost: p.clientCost[lang],
      clientInstalls: p.clientInstalls[lang],
      automatic: p.automatic,
      metadata: p.metadata[lang],
      recommended: p.recommended,
    })),
  };
}

export async function compare(ctx: CliContext, _opts: Record<string, unknown> = {}): Promise<void> {
  await Promise.resolve();
  if (ctx.json) {
    ctx.out.result(comparisonData(ctx.lang));
    return;
  }
  const width = process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : 160;
  for (const line of renderComparison(ctx.lang, width)) ctx.out.line(line);
}

/**
 * How a follow-up greets its client: per client `formal` ("Guten Tag Frau Keller," / "Dear Ms
 * Keller,"), `informal` ("Liebe Anna," / "Lieber Jonas," / "Hallo Anna," / "Dear Anna,") or
 * `none`; without a choice, the greeting of earlier versions ("Hallo Anna," / "Hello Anna,").
 * A note that greets by itself is never greeted twice.
 */
import { t, type Lang } from "../messages/index.js";

export const SALUTATIONS = ["formal", "informal", "none"] as const;
export type Salutation = (typeof SALUTATIONS)[number];

/** What the greeting is made of; all of it comes from the (encrypted) client record. */
export interface Addressee {
  readonly lang: Lang;
  readonly name?: string;
  readonly salutation?: Salutation;
  /** Free text such as "Frau", "Herr", "Dr.", "Ms"; "Frau"/"Herr" and "Ms"/"Mr" also give the German informal form. */
  readonly title?: string;
  /** Default: the first word of `name`. */
  readonly givenName?: string;
  /** Default: the last word of `name`. */
  readonly familyName?: string;
}

type Gender = "f" | "m" | undefined;

const FEMALE = new Set(["frau", "ms", "ms.", "mrs", "mrs.", "miss"]);
const MALE = new Set(["herr", "mr", "mr."]);

function genderOf(title: string | undefined): Gender {
  const first = title?.trim().split(/\s+/)[0]?.toLowerCase();
  if (first === undefined) return undefined;
  if (FEMALE.has(first)) return "f";
  if (MALE.has(first)) return "m";
  return undefined;
}

/** "Frau" for an English client is "Ms", "Mr" for a German one "Herr"; anything else as given. */
function localTitle(title: string, lang: Lang): string {
  const words = title.trim().split(/\s+/);
  const first = words[0]?.toLowerCase() ?? "";
  const swap: Record<Lang, Record<string, string>> = {
    de: { ms: "Frau", "ms.": "Frau", mrs: "Frau", "mrs.": "Frau", miss: "Frau", mr: "Herr", "mr.": "Herr" },
    en: { frau: "Ms", herr: "Mr" },
  };
  const replaced = swap[lang][first];
  return replaced === undefined ? words.join(" ") : [replaced, ...words.slice(1)].join(" ");
}

const words = (name: string | undefined) => (name ?? "").trim().split(/\s+/).filter((w) => w.length > 0);

/** The greeting line, or null for none. */
export function greetingFor(a: Addressee): string | null {
  const { lang } = a;
  const nameWords = words(a.name);
  switch (a.salutation) {
    case "none":
      return null;
    case "formal": {
      const family = a.familyName?.trim() || nameWords.at(-1);
      const title = a.title?.trim() ? localTitle(a.title, lang) : undefined;
      if (title !== undefined && family !== undefined) return t(lang, "greeting.formal.named", { name: `${title} ${family}` });
      const full = a.name?.trim();
      return full ? t(lang, "greeting.formal.named", { name: full }) : t(lang, "greeting.formal");
    }
    case "informal": {
      const given = a.givenName?.trim() || nameWords[0];
      if (given === undefined) return t(lang, "greeting.informal");
      const gender = genderOf(a.title);
      if (lang === "de" && gender === "f") return t(lang, "greeting.informal.female", { name: given });
      if (lang === "de" && gender === "m") return t(lang, "greeting.informal.male", { name: given });
      return t(lang, "greeting.informal.named", { name: given });
    }
    case undefined:
      return a.name ? t(lang, "followup.greeting.named", { name: a.name }) : t(lang, "followup.greeting");
  }
}

/**
 * Whether a note opens with a greeting of its own (German or English): then the follow-up adds
 * none. Only the first line counts, and only a greeting word at its very start.
 */
const GREETING_START =
  /^(?:hallo|hi|hey|hello|dear|liebe[rs]?|guten\s+(?:tag|morgen|abend)|sehr\s+geehrte[rs]?|moin|servus|gr[üu](?:ß|ss)\s+gott|gr[üu](?:ß|ss)\s+dich|good\s+(?:morning|afternoon|evening))(?![\p{L}\p{N}])/iu;

export function startsWithGreeting(note: string | undefined): boolean {
  const first = note?.trimStart().split("\n")[0] ?? "";
  return GREETING_START.test(first.replace(/^[*_#>\s]+/, ""));
}

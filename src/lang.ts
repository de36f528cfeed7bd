/**
 * The user's language: German or English, from --lang, the config, or the system locale. Kept
 * apart from the message catalogue so that start-up (and `--help`) need not load the catalogue.
 */
export type Lang = "de" | "en";
export const LANGS: readonly Lang[] = ["de", "en"];

export function isLang(value: unknown): value is Lang {
  return value === "de" || value === "en";
}

/** `de*` → German, anything else → English. */
export function langFromLocale(locale: string | undefined): Lang {
  return locale !== undefined && /^de([_.-]|$)/i.test(locale) ? "de" : "en";
}

/** The system locale as the environment states it (LC_ALL, LC_MESSAGES, LANG), else Intl's. */
export function systemLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const fromEnv = env.LC_ALL || env.LC_MESSAGES || env.LANG;
  if (fromEnv && fromEnv !== "C" && fromEnv !== "POSIX") return langFromLocale(fromEnv);
  return langFromLocale(Intl.DateTimeFormat().resolvedOptions().locale);
}

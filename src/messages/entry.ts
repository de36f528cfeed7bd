/**
 * A catalogue entry: the same line in both languages, with `{name}` placeholders and plural
 * choices `{name:one|other}` (the form for the number in `name`, chosen by the language's
 * `Intl.PluralRules`: "{count} {count:Teil|Teile}" → "1 Teil", "0 Teile"). The area files
 * (core.ts, channels.ts, …) type their lines with it; index.ts merges them.
 */
export type Entry = { readonly de: string; readonly en: string };
export type Catalogue = Record<string, Entry>;

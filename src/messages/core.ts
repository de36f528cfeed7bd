import type { Catalogue } from "./index.js";

/** Lines of the spine: CLI, practice, keyring, clients, bundles, folder channel, doctor, demo. */
export const core = {
  "cli.internal": {
    de: "Interner Fehler: {message}. Bitte mit --debug wiederholen und den Fehler melden.",
    en: "Internal error: {message}. Please run again with --debug and report it.",
  },
  "cli.usage": { de: "Aufruf fehlerhaft: {message}", en: "Usage error: {message}" },
  "cli.interrupted": { de: "Abgebrochen.", en: "Interrupted." },
  "cli.badLang": { de: "Unbekannte Sprache „{lang}“: bitte de oder en.", en: "Unknown language '{lang}': use de or en." },
  "file.missing": {
    de: "{file}: Datei nicht gefunden. Bitte den Pfad prüfen.",
    en: "{file}: file not found. Please check the path.",
  },
  "file.unreadable": {
    de: "{file}: nicht lesbar ({reason}).",
    en: "{file}: cannot be read ({reason}).",
  },
  "file.exists": {
    de: "{file} existiert bereits; nichts überschrieben. Bitte einen anderen Namen wählen.",
    en: "{file} already exists; nothing was overwritten. Please choose another name.",
  },
  "passphrase.prompt": { de: "Passphrase", en: "Passphrase" },
  "passphrase.repeat": { de: "Passphrase wiederholen", en: "Repeat passphrase" },
  "passphrase.mismatch": { de: "Die Passphrasen stimmen nicht überein; nichts angelegt.", en: "The passphrases do not match; nothing was created." },
  "passphrase.empty": { de: "{file}: die Passphrase-Datei ist leer.", en: "{file}: the passphrase file is empty." },
  "passphrase.none": {
    de: "Keine Passphrase: bitte --passphrase-file DATEI oder NACHKLANG_PASSPHRASE verwenden, oder im Terminal aufrufen.",
    en: "No passphrase: use --passphrase-file FILE or NACHKLANG_PASSPHRASE, or run in a terminal.",
  },
  "folder.ready": { de: "Übergabeordner {folder} ist beschreibbar.", en: "Hand-off folder {folder} is writable." },
  "folder.notWritable": {
    de: "Übergabeordner {folder} ist nicht beschreibbar; bitte Pfad und Rechte prüfen.",
    en: "Hand-off folder {folder} is not writable; please check the path and permissions.",
  },
  "practice.exists": {
    de: "Hier gibt es schon eine Praxis ({file}); nichts überschrieben.",
    en: "A practice already exists here ({file}); nothing was overwritten.",
  },
  "practice.missing": {
    de: "Keine Praxis gefunden ({file}). Bitte zuerst „nachklang init“ ausführen oder --home prüfen.",
    en: "No practice found ({file}). Please run 'nachklang init' first or check --home.",
  },
  "practice.damaged": {
    de: "{file}: der Schlüsselbund ist beschädigt. Bitte aus der Sicherung wiederherstellen.",
    en: "{file}: the keyring is damaged. Please restore it from a backup.",
  },
  "passphrase.wrong": {
    de: "Falsche Passphrase für {file}.",
    en: "Wrong passphrase for {file}.",
  },
  "client.unknown": {
    de: "Klient:in „{alias}“ ist nicht angelegt. „nachklang client list“ zeigt alle; „nachklang client add {alias}“ legt an.",
    en: "No client '{alias}'. 'nachklang client list' shows all; 'nachklang client add {alias}' adds one.",
  },
} satisfies Catalogue;

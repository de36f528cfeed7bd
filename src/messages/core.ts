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
  "bundle.damaged": {
    de: "{file}: das Paket ist beschädigt oder verändert worden (Entschlüsselung fehlgeschlagen); nichts geschrieben.",
    en: "{file}: the bundle is damaged or has been altered (decryption failed); nothing was written.",
  },
  "bundle.notForThisKey": {
    de: "{file}: dieses Paket ist nicht für diesen Schlüssel verschlüsselt; bitte den richtigen Schlüssel (--identity) verwenden.",
    en: "{file}: this bundle is not encrypted to this key; please use the right key (--identity).",
  },
  "bundle.unsafeEntry": {
    de: "{file}: unzulässiger Eintrag „{entry}“ im Paket; abgelehnt, nichts geschrieben.",
    en: "{file}: unsafe entry '{entry}' in the bundle; refused, nothing was written.",
  },
  "bundle.duplicateEntry": {
    de: "{file}: der Eintrag „{entry}“ kommt doppelt vor; abgelehnt, nichts geschrieben.",
    en: "{file}: the entry '{entry}' appears twice; refused, nothing was written.",
  },
  "bundle.undeclaredEntry": {
    de: "{file}: „{entry}“ steht nicht im signierten Manifest; abgelehnt, nichts geschrieben.",
    en: "{file}: '{entry}' is not in the signed manifest; refused, nothing was written.",
  },
  "bundle.tooLarge": {
    de: "{file}: „{entry}“ überschreitet die Größengrenze; abgelehnt, nichts geschrieben.",
    en: "{file}: '{entry}' exceeds the size limit; refused, nothing was written.",
  },
  "bundle.incomplete": {
    de: "{file}: Manifest oder Signatur fehlen; abgelehnt, nichts geschrieben.",
    en: "{file}: the manifest or its signature is missing; refused, nothing was written.",
  },
  "bundle.badManifest": {
    de: "{file}: das Manifest ist ungültig; abgelehnt, nichts geschrieben.",
    en: "{file}: the manifest is invalid; refused, nothing was written.",
  },
  "bundle.badSignature": {
    de: "{file}: die Signatur ist ungültig; abgelehnt, nichts geschrieben.",
    en: "{file}: the signature is invalid; refused, nothing was written.",
  },
  "bundle.otherSigner": {
    de: "{file}: das Paket ist mit einem anderen Schlüssel signiert als erwartet; abgelehnt, nichts geschrieben.",
    en: "{file}: the bundle is signed by a different key than expected; refused, nothing was written.",
  },
  "bundle.hashMismatch": {
    de: "{file}: „{entry}“ passt nicht zur Prüfsumme im Manifest; abgelehnt, nichts geschrieben.",
    en: "{file}: '{entry}' does not match its checksum in the manifest; refused, nothing was written.",
  },
} satisfies Catalogue;

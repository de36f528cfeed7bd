import type { Catalogue } from "./entry.js";

/**
 * Lines of the first hour: configuration checked when it is made, passphrase options, a
 * client removed with follow-ups waiting, seal, and the words of the interactive prompts.
 */
export const setup = {
  "viewer.passphraseIsKeyring": {
    de: "{file}: das ist die Passphrase des Schlüsselbunds; sie wird nie als Viewer-Passphrase verwendet (wer den Viewer öffnet, hätte den Schlüssel zu allen Unterlagen der Praxis). Bitte eine andere vereinbaren oder eine erzeugen lassen: {generate}.",
    en: "{file}: this is the keyring's passphrase; it is never used as a viewer passphrase (whoever opens the viewer would hold the key to every record of the practice). Please agree on another one or have one generated: {generate}.",
  },
  "client.importConsentWithoutChannel": {
    de: "{alias}: consent-date oder consent-info ohne Kanal in der Spalte consent; bitte den Kanal der Einwilligung eintragen (z. B. folder) oder Datum und Version leer lassen.",
    en: "{alias}: consent-date or consent-info without a channel in the consent column; please fill in the channel consented to (e.g. folder), or leave date and version empty.",
  },
  "client.returningNoRecords": {
    de: "--returning: unter „{alias}“ sind keine Unterlagen einer entfernten Klient:in aufbewahrt; nichts angelegt. Bitte das Kürzel prüfen, oder ohne --returning eine neue Klient:in anlegen.",
    en: "--returning: no records of a removed client are kept under '{alias}'; nothing was added. Please check the alias, or add a new client without --returning.",
  },
  "channel.unknownName": {
    de: "„{name}“ ist weder ein eingerichteter Kanal ({configured}) noch ein Kanaltyp ({types}). „nachklang channels list“ zeigt die Kanäle.",
    en: "'{name}' is neither a configured channel ({configured}) nor a channel type ({types}). 'nachklang channels list' shows the channels.",
  },
  "channel.badName": {
    de: "„{name}“ taugt nicht als Kanalname: bitte Buchstaben, Ziffern, Punkt, Binde- und Unterstrich, höchstens 40 Zeichen (z. B. mappe).",
    en: "'{name}' cannot be a channel name: use letters, digits, dot, hyphen and underscore, at most 40 characters (e.g. mappe).",
  },
  "channel.nameIsOtherType": {
    de: "Der Name „{name}“ ist der Kanaltyp {name}; ein {type}-Kanal braucht einen anderen Namen (--name).",
    en: "The name '{name}' is the channel type {name}; a {type} channel needs another name (--name).",
  },
  "client.hasWaiting": {
    de: "Für „{alias}“ {count:wartet|warten} noch {count} {count:Nachklang|Nachklänge} im Postausgang; nichts entfernt. Erst „nachklang outbox list“ prüfen, oder mit --force entfernen (die wartenden werden dann storniert).",
    en: "{count} {count:follow-up|follow-ups} for '{alias}' {count:is|are} still waiting in the outbox; nothing was removed. Check 'nachklang outbox list' first, or remove with --force (the waiting ones are then cancelled).",
  },
  "client.removedCancelled": {
    de: "Klient:in „{alias}“ entfernt; {count} {count:wartender Nachklang|wartende Nachklänge} storniert.",
    en: "Client '{alias}' removed; {count} waiting {count:follow-up|follow-ups} cancelled.",
  },
  "client.removedLeft": {
    de: "{alias}: Nachklang {id} ist inzwischen von einem anderen nachklang-Prozess {state} worden und bleibt, wie er ist; „nachklang status“ zeigt ihn.",
    en: "{alias}: follow-up {id} was {state} by another nachklang process meanwhile and is left as it is; 'nachklang status' shows it.",
  },
  "workflow.unopenable": {
    de: "{alias} könnte den Nachklang über „{channel}“ nicht öffnen: es gibt keinen age-Schlüssel der Klient:in und keine Offline-Ansicht. Bitte --viewer verwenden (Passphrase mit „nachklang client passphrase {alias} --generate“), den Kanal mit --viewer einrichten, oder den age-Schlüssel der Klient:in hinterlegen („nachklang client edit {alias} --age-recipient age1…“).",
    en: "{alias} could not open the follow-up sent via '{channel}': the client has no age key and there is no offline viewer. Please use --viewer (passphrase from 'nachklang client passphrase {alias} --generate'), set the channel up with --viewer, or store the client's age key ('nachklang client edit {alias} --age-recipient age1…').",
  },
  "workflow.homeworkOtherLang": {
    de: "Vorlage „{id}“ gibt es nicht auf {lang}, nur auf {available}. Auf {available} senden: „send … --lang {available}“ (Stapeldatei: homework: { id: {id}, lang: {available} }), oder die Vorlage übersetzen.",
    en: "Template '{id}' does not exist in {lang}, only in {available}. To send it in {available}: 'send … --lang {available}' (batch file: homework: { id: {id}, lang: {available} }), or translate the template.",
  },
  "templates.problem.missingLang": {
    de: "Vorlage „{id}“ gibt es auf {have}, aber nicht auf {lang}; Klient:innen mit Sprache {lang} bekommen sie nicht (übersetzen, oder „templates check --lang {have}“, wenn die Praxis nur {have} schreibt)",
    en: "template '{id}' exists in {have} but not in {lang}; clients whose language is {lang} cannot get it (translate it, or 'templates check --lang {have}' if the practice writes only {have})",
  },
  "seal.tooManyItems": {
    de: "{count} Dateien sind zu viele für ein Paket (höchstens {max}); nichts versiegelt. Bitte auf mehrere Pakete verteilen oder zuerst ein Archiv (zip) daraus machen.",
    en: "{count} files are too many for one bundle (at most {max}); nothing was sealed. Please spread them over several bundles, or put them into one archive (zip) first.",
  },
  "seal.video": {
    de: "{file}: ein Video wird nicht aufbereitet und behielte Ort, Gerät und Zeit der Aufnahme. Den Ton mit „nachklang send --audio“ schicken, oder mit --raw so versiegeln, wie es ist.",
    en: "{file}: a video is not prepared and would keep where, with what and when it was filmed. Send its sound with 'nachklang send --audio', or seal it as it is with --raw.",
  },
  "seal.written": {
    de: "Versiegelt: {file} ({items} {items:Teil|Teile}, {bytes} Bytes). Die Datei liegt hier, nicht im Postausgang; „nachklang verify {file}“ prüft sie.",
    en: "Sealed: {file} ({items} {items:item|items}, {bytes} bytes). The file is here, not in the outbox; 'nachklang verify {file}' checks it.",
  },
  "new.audioCaption": { de: "Titel der Aufnahme (optional)", en: "Title of the recording (optional)" },
  "new.noMatch": { de: "keine Treffer", en: "no match" },
  "new.noEditor": {
    de: "Kein Editor gefunden ({editor}, aus VISUAL oder EDITOR); die Notiz bitte hier in einer Zeile eingeben.",
    en: "No editor found ({editor}, from VISUAL or EDITOR); please type the note here, on one line.",
  },
  "new.noteLine": { de: "Notiz (eine Zeile; leer: keine)", en: "Note (one line; empty: none)" },
  "new.required": { de: "Bitte einen Wert eingeben.", en: "Please enter a value." },
  "new.varInvalid": { de: "Kein gültiger Wert für „{name}“; erwartet: {@expected}.", en: "Not a valid value for '{name}'; expected: {@expected}." },
  "prompt.yes": { de: "Ja", en: "Yes" },
  "prompt.no": { de: "Nein", en: "No" },
  "prompt.yesNo": { de: "Bitte mit „j“ (ja) oder „n“ (nein) antworten.", en: "Please answer 'y' (yes) or 'n' (no)." },
  "prompt.navigate": { de: "auswählen", en: "navigate" },
  "prompt.select": { de: "übernehmen", en: "select" },
  "prompt.toggleVisibility": { de: "Eingabe zeigen/verbergen", en: "show/hide what is typed" },
  "prompt.editor": { de: "Eingabetaste öffnet den Editor.", en: "Press Enter to open your editor." },
  "prompt.checking": { de: "Wird geprüft …", en: "Checking …" },
} satisfies Catalogue;

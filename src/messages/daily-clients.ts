import type { Catalogue } from "./entry.js";

/**
 * Daily work with clients and channels (issue 24): editing a client or a channel, the waiting
 * follow-ups checked again after an edit, importing clients from CSV, finding clients by name.
 */
export const dailyClients = {
  // --- client edit ---
  "client.edited": { de: "Klient:in „{alias}“ geändert: {fields}.", en: "Client '{alias}' changed: {fields}." },
  "client.editSame": {
    de: "Klient:in „{alias}“: die Angaben sind schon so gespeichert; nichts geändert.",
    en: "Client '{alias}': the values given are already stored; nothing was changed.",
  },
  "client.nothingToEdit": {
    de: "Für „{alias}“ wurde nichts zum Ändern angegeben; nichts geändert. Bitte mindestens eine Angabe (z. B. --email) oder --unset FELD; „nachklang client edit --help“ zeigt alle.",
    en: "Nothing to change was given for '{alias}'; nothing was changed. Please give at least one option (e.g. --email) or --unset FIELD; 'nachklang client edit --help' lists them.",
  },
  "client.cannotUnset": {
    de: "„{field}“ kann bei „{alias}“ nicht entfernt werden; nichts geändert. Entfernbar: {fields}.",
    en: "'{field}' cannot be removed from '{alias}'; nothing was changed. Removable: {fields}.",
  },
  "client.forgottenUse": {
    de: "„{alias}“ wurde am {date} gelöscht (Art. 17 DSGVO): für sie oder ihn wird nichts mehr erfasst oder gesendet; nichts geändert. Für einen Neubeginn bitte unter einem neuen Kürzel anlegen.",
    en: "'{alias}' was forgotten on {date} (GDPR Art. 17): nothing more is recorded for or sent to them; nothing was changed. For a new start, please add the client under a new alias.",
  },
  "client.forgottenEdit": {
    de: "„{alias}“ wurde am {date} gelöscht (Art. 17 DSGVO); nichts geändert. Für einen Neubeginn bitte unter einem neuen Kürzel anlegen.",
    en: "'{alias}' was forgotten on {date} (GDPR Art. 17); nothing was changed. For a new start, please add the client under a new alias.",
  },
  "client.threemaPinDropped": {
    de: "Der für die frühere Threema-ID von „{alias}“ hinterlegte Schlüssel wurde entfernt; der Schlüssel der neuen ID wird beim ersten Versand hinterlegt (oder: nachklang threema pin {alias}).",
    en: "The key pinned for the earlier Threema ID of '{alias}' was removed; the new ID's key is pinned at the first delivery (or: nachklang threema pin {alias}).",
  },
  // --- channels edit ---
  "channel.edited": { de: "Kanal „{name}“ ({type}) geändert: {fields}.", en: "Channel '{name}' ({type}) changed: {fields}." },
  "channel.secretsKept": { de: "Unverändert in secrets.age: {secrets}.", en: "Kept unchanged in secrets.age: {secrets}." },
  "channel.nothingToEdit": {
    de: "Für den Kanal „{name}“ wurde nichts zum Ändern angegeben; nichts geändert. „nachklang channels edit --help“ zeigt die Angaben.",
    en: "Nothing to change was given for channel '{name}'; nothing was changed. 'nachklang channels edit --help' lists the options.",
  },
  "channel.editSame": {
    de: "Kanal „{name}“: die Angaben sind schon so gespeichert; nichts geändert.",
    en: "Channel '{name}': the values given are already stored; nothing was changed.",
  },
  "channel.optionNotForType": {
    de: "{option} {count:gilt|gelten} nicht für den Kanal „{name}“ ({type}); nichts geändert.",
    en: "{option} {count:does|do} not apply to channel '{name}' ({type}); nothing was changed.",
  },
  // --- waiting follow-ups checked again ---
  "recheck.header": {
    de: "Im Postausgang warten dafür: {count}, davon nicht mehr wie geplant zustellbar: {blocked}.",
    en: "Waiting in the outbox for this: {count}; of these no longer deliverable as queued: {blocked}.",
  },
  "recheck.unchanged": { de: "geht wie geplant über „{channel}“; nichts zu tun.", en: "goes out as queued through '{channel}'; nothing to do." },
  "recheck.clientGone": {
    de: "„{alias}“ ist nicht mehr angelegt; bitte stornieren: nachklang outbox cancel {id}",
    en: "'{alias}' no longer exists; please cancel it: nachklang outbox cancel {id}",
  },
  "recheck.channelUnusable": {
    de: "der Kanal „{channel}“ ist so nicht mehr nutzbar; bitte umleiten (nachklang outbox reroute {id} --channel NAME) oder stornieren (nachklang outbox cancel {id}).",
    en: "channel '{channel}' can no longer be used like this; please reroute (nachklang outbox reroute {id} --channel NAME) or cancel it (nachklang outbox cancel {id}).",
  },
  "recheck.noConsent": {
    de: "für {type} liegt von „{alias}“ keine Einwilligung mehr vor; bitte umleiten (nachklang outbox reroute {id} --channel NAME) oder stornieren (nachklang outbox cancel {id}).",
    en: "'{alias}' no longer consents to {type}; please reroute (nachklang outbox reroute {id} --channel NAME) or cancel it (nachklang outbox cancel {id}).",
  },
  "recheck.noAddress": {
    de: "„{alias}“ hat keine Adresse ({kind}) mehr für „{channel}“; bitte die Adresse eintragen (nachklang client edit {alias}), umleiten (nachklang outbox reroute {id} --channel NAME) oder stornieren (nachklang outbox cancel {id}).",
    en: "'{alias}' no longer has an address ({kind}) for '{channel}'; please add it (nachklang client edit {alias}), reroute (nachklang outbox reroute {id} --channel NAME) or cancel it (nachklang outbox cancel {id}).",
  },
  "recheck.noViewerPassphrase": {
    de: "„{channel}“ braucht jetzt die Offline-Ansicht, für „{alias}“ ist keine Passphrase vereinbart; bitte eine vereinbaren (nachklang client passphrase {alias} --generate) oder stornieren (nachklang outbox cancel {id}).",
    en: "'{channel}' now needs the offline viewer and no passphrase is agreed with '{alias}'; please agree one (nachklang client passphrase {alias} --generate) or cancel it (nachklang outbox cancel {id}).",
  },
  "recheck.ageKeyChanged": {
    de: "ist für den früheren age-Schlüssel von „{alias}“ verschlüsselt; bitte stornieren (nachklang outbox cancel {id}) und neu senden.",
    en: "is sealed to the earlier age key of '{alias}'; please cancel it (nachklang outbox cancel {id}) and send it again.",
  },
  "recheck.otherChannel": {
    de: "geht wie geplant über „{channel}“, „{alias}“ bevorzugt jetzt „{preferred}“; zum Wechseln: nachklang outbox reroute {id} --channel {preferred}",
    en: "goes out as queued through '{channel}', while '{alias}' now prefers '{preferred}'; to switch: nachklang outbox reroute {id} --channel {preferred}",
  },
  "recheck.writtenBefore": {
    de: "geht wie geplant über „{channel}“, wurde aber vor der Änderung ({fields}) geschrieben und bleibt so; für die neuen Angaben: stornieren (nachklang outbox cancel {id}) und neu senden.",
    en: "goes out as queued through '{channel}', but was written before the change ({fields}) and stays as written; to use the new details: cancel it (nachklang outbox cancel {id}) and send it again.",
  },
  // --- client import ---
  "client.imported": { de: "{count} {count:Klient:in|Klient:innen} aus {file} angelegt.", en: "{count} {count:client|clients} added from {file}." },
  "client.importEmpty": {
    de: "{file}: keine Zeilen unter der Kopfzeile; nichts angelegt.",
    en: "{file}: no rows below the header; nothing was added.",
  },
  "client.importRowLength": {
    de: "{file}, Zeile {line}: {got} Werte, die Kopfzeile hat {expected} Spalten (ein Komma in einem Wert? dann den Wert in \"…\" setzen); nichts angelegt.",
    en: "{file}, row {line}: {got} values, the header has {expected} columns (a comma in a value? then put the value in \"…\"); nothing was added.",
  },
  "client.importQuote": {
    de: "{file}, Zeile {line}: ein Anführungszeichen \" ist nicht geschlossen; nichts angelegt.",
    en: "{file}, row {line}: a quotation mark \" is not closed; nothing was added.",
  },
  "client.importSyntax": {
    de: "{file}: kein lesbares CSV (Zeile {line}: {detail}); nichts angelegt.",
    en: "{file}: not readable as CSV (line {line}: {detail}); nothing was added.",
  },
  "client.importColumns": {
    de: "{file}: unbekannte Spalte(n) {columns}; nichts angelegt. Spalten: alias, {known}.",
    en: "{file}: unknown column(s) {columns}; nothing was added. Columns: alias, {known}.",
  },
  "client.importNoAlias": {
    de: "{file}: die Kopfzeile braucht eine Spalte „alias“; nichts angelegt.",
    en: "{file}: the header needs an 'alias' column; nothing was added.",
  },
  "client.importRow": {
    de: "{file}, Zeile {row}: {problem} Nichts angelegt; bitte die Zeile berichtigen und erneut importieren.",
    en: "{file}, row {row}: {problem} Nothing was added; please correct the row and import again.",
  },
  "client.importTwice": {
    de: "„{alias}“ steht schon in Zeile {first}.",
    en: "'{alias}' is already in row {first}.",
  },
  // --- finding clients ---
  "client.noMatch": { de: "Keine Klient:in passt zu „{term}“.", en: "No client matches '{term}'." },
} satisfies Catalogue;

import type { Catalogue } from "./entry.js";

/**
 * Lines of the records: contact time, billing, history exports, retention and purge, a client's
 * rights (export, forget), backup and the recovery key.
 */
export const records = {
  // --- contact time ---
  "time.badDuration": {
    de: "„{value}“ ist keine Dauer; bitte z. B. 15m, 1h oder 1h30m (höchstens 24h).",
    en: "'{value}' is not a duration; use e.g. 15m, 1h or 1h30m (at most 24h).",
  },
  "time.badKind": { de: "Unbekannte Art „{value}“; möglich: {kinds}.", en: "Unknown kind '{value}'; use one of: {kinds}." },
  "time.badMonth": { de: "„{value}“ ist kein Monat; bitte JJJJ-MM, z. B. 2026-11.", en: "'{value}' is not a month; use YYYY-MM, e.g. 2026-11." },
  "time.futureDay": { de: "{value} liegt in der Zukunft; Kontaktzeit wird erst danach erfasst.", en: "{value} lies in the future; log contact time once it has happened." },
  "time.beforeRetention": {
    de: "{value} liegt vor dem {earliest}, weiter zurück als die Aufbewahrungsfrist ({span}): so alte Aufzeichnungen werden nicht mehr aufbewahrt; bitte einen Tag ab {earliest} angeben.",
    en: "{value} lies before {earliest}, further back than the retention period ({span}): records that old are no longer kept; give a day from {earliest} on.",
  },
  "time.dayTooLong": {
    de: "{alias} hat am {day} schon {logged} Kontaktzeit; {duration} mehr wären über {max} an einem Tag. Die Einträge zeigt „nachklang time list {alias}“.",
    en: "{alias} already has {logged} of contact time on {day}; {duration} more would be over {max} in one day. 'nachklang time list {alias}' shows the entries.",
  },
  "time.monthOrRange": { de: "Bitte entweder --month oder --from/--to angeben, nicht beides.", en: "Give either --month or --from/--to, not both." },
  "time.noteOrNoNote": { de: "Bitte entweder --note-file oder --no-note angeben.", en: "Give either --note-file or --no-note." },
  "time.nothingToEdit": {
    de: "Nichts zu ändern an {id}: bitte --duration, --kind, --on, --note-file oder --no-note angeben.",
    en: "Nothing to change in {id}: give --duration, --kind, --on, --note-file or --no-note.",
  },
  "time.unknownEntry": {
    de: "Kein Eintrag „{id}“; die Einträge zeigt „nachklang time list“.",
    en: "No entry '{id}'; 'nachklang time list' shows the entries.",
  },
  "time.logged": { de: "Erfasst {id}: {alias}, {day}, {duration} ({kind}).", en: "Logged {id}: {alias}, {day}, {duration} ({kind})." },
  "time.edited": { de: "Geändert {id}: {alias}, {day}, {duration} ({kind}).", en: "Changed {id}: {alias}, {day}, {duration} ({kind})." },
  "time.removed": { de: "Entfernt {id}: {alias}, {day}, {duration}.", en: "Removed {id}: {alias}, {day}, {duration}." },
  "time.autoShortened": {
    de: "Kontaktzeit erfasst: {fits} statt {duration} für {alias} ({id}), denn {alias} hat am {day} schon {logged} und mehr als {max} an einem Tag gibt es nicht. Prüfen mit „nachklang time list {alias}“.",
    en: "Contact time logged: {fits} instead of {duration} for {alias} ({id}), since {alias} already has {logged} on {day} and no day holds more than {max}. Check with 'nachklang time list {alias}'.",
  },
  "time.autoDayFull": {
    de: "Keine Kontaktzeit erfasst ({duration} für {alias}): {alias} hat am {day} schon {logged}, mehr als {max} an einem Tag gibt es nicht. Prüfen mit „nachklang time list {alias}“.",
    en: "No contact time logged ({duration} for {alias}): {alias} already has {logged} on {day}, and no day holds more than {max}. Check with 'nachklang time list {alias}'.",
  },
  "time.autoLogged": {
    de: "Kontaktzeit erfasst: {duration} für {alias} ({id}); ändern mit „nachklang time edit {id}“.",
    en: "Contact time logged: {duration} for {alias} ({id}); change it with 'nachklang time edit {id}'.",
  },
  "time.none": { de: "Keine Kontaktzeit erfasst.", en: "No contact time logged." },
  "time.noneInRange": { de: "Von {from} bis {to} ist keine Kontaktzeit erfasst.", en: "No contact time logged from {from} to {to}." },
  "time.line": { de: "{id}  {day}  {alias}  {duration}  {kind}{source}{note}", en: "{id}  {day}  {alias}  {duration}  {kind}{source}{note}" },
  "time.total": { de: "{count} {count:Eintrag|Einträge}, zusammen {duration}.", en: "{count} {count:entry|entries}, {duration} in all." },
  "time.hasNote": { de: "[Notiz]", en: "[note]" },
  "time.kind.messenger": { de: "Messenger", en: "messenger" },
  "time.kind.email": { de: "E-Mail", en: "e-mail" },
  "time.kind.phone": { de: "Telefon", en: "phone" },
  "time.kind.followup": { de: "Nachklang", en: "follow-up" },
  "time.kind.other": { de: "Sonstiges", en: "other" },
  "time.source.manual": { de: "von Hand", en: "manual" },
  "time.source.wizard": { de: "automatisch, Assistent", en: "automatic, wizard" },
  "time.source.inbox": { de: "automatisch, Antwort", en: "automatic, reply" },
  "time.badAuto": { de: "Bitte „on“ oder „off“, nicht „{value}“.", en: "Use 'on' or 'off', not '{value}'." },
  "time.autoOn": {
    de: "Kontaktzeit wird automatisch erfasst (Assistent, Antworten).",
    en: "Contact time is logged automatically (wizard, replies).",
  },
  "time.autoOff": { de: "Kontaktzeit wird nicht mehr automatisch erfasst.", en: "Contact time is no longer logged automatically." },
  "time.badFormat": { de: "Unbekanntes Format „{value}“; möglich: csv, json, md.", en: "Unknown format '{value}'; use csv, json or md." },
  "time.reportTitle": { de: "Kontaktzeit {month}", en: "Contact time {month}" },
  "time.col.date": { de: "Datum", en: "Date" },
  "time.col.client": { de: "Klient:in", en: "Client" },
  "time.col.kind": { de: "Art", en: "Kind" },
  "time.col.time": { de: "Dauer", en: "Time" },
  "time.col.billed": { de: "Abgerechnet", en: "Billed" },
  "time.col.item": { de: "Position", en: "Item" },
  "time.col.entries": { de: "Einträge", en: "Entries" },
  "time.col.total": { de: "Summe", en: "Total" },
  "time.damagedLines": {
    de: "{file}: {count} {count:beschädigte Zeile|beschädigte Zeilen} übersprungen; was hier steht, ist ohne sie unvollständig. Bitte die Datei mit der Sicherung vergleichen.",
    en: "{file}: {count} damaged {count:line|lines} skipped; what follows is incomplete without them. Please compare the file with a backup.",
  },
  "time.reportNamesFile": {
    de: "Achtung: {file} nennt Klient:innen mit Namen (Gesundheitsdaten). Nur für die Abrechnung; sicher aufbewahren, danach löschen (oder --pseudonyms).",
    en: "Note: {file} names clients (health data). For invoicing only; keep it safe and delete it afterwards (or use --pseudonyms).",
  },
  "time.reportFile": { de: "Bericht {file} (nur für Sie lesbar, 0600).", en: "Report {file} (readable by you only, 0600)." },
  "time.reportRemovedClients": {
    de: "Achtung: {count} {count:Eintrag gehört|Einträge gehören} zu Klient:innen, die nicht mehr im Verzeichnis sind: aufgeführt als „? (…)“, aber nicht abgerechnet (ihr Abrechnungsprofil ging mit ihnen). Falls abzurechnen, bitte von Hand.",
    en: "Note: {count} {count:entry belongs|entries belong} to clients no longer in the registry: listed as '? (…)' but not billed (their billing profile left with them). If they are billable, bill them by hand.",
  },
  "time.reportNamesStdout": {
    de: "Achtung: dieser Bericht nennt Klient:innen mit Namen (Gesundheitsdaten); --pseudonyms zeigt nur Kürzel.",
    en: "Note: this report names clients (health data); --pseudonyms shows aliases only.",
  },
  "time.reportWritten": { de: "{count} {count:Eintrag|Einträge}, Summe {total} € → {file}", en: "{count} {count:entry|entries}, total {total} EUR → {file}" },

  // --- billing ---
  "billing.badAmount": { de: "„{value}“ ist kein Betrag; bitte z. B. 90 oder 92,50.", en: "'{value}' is not an amount; use e.g. 90 or 92.50." },
  "billing.rateTooHigh": {
    de: "{value} EUR pro Stunde ist mehr als {max} EUR: ein Tippfehler (9250 statt 92,50)? Bitte z. B. 90 oder 92,50.",
    en: "{value} EUR per hour is more than {max} EUR: a typo (9250 for 92.50)? Use e.g. 90 or 92.50.",
  },
  "billing.badFactor": {
    de: "„{value}“ ist kein GOÄ-Steigerungsfaktor; bitte 1,0 bis 3,5 (Regelsatz 2,3).",
    en: "'{value}' is not a GOÄ factor; use 1.0 to 3.5 (standard 2.3).",
  },
  "billing.badRounding": { de: "Takt „{value}“: bitte 1m, 5m, 10m oder 15m.", en: "Rounding '{value}': use 1m, 5m, 10m or 15m." },
  "billing.badProfile": { de: "Unbekanntes Abrechnungsprofil „{value}“; möglich: goae, hourly, none.", en: "Unknown billing profile '{value}'; use goae, hourly or none." },
  "billing.noRate": {
    de: "Kein Stundensatz festgelegt; bitte „nachklang billing set --hourly 90“.",
    en: "No hourly rate set; run 'nachklang billing set --hourly 90'.",
  },
  "billing.damaged": {
    de: "{file}: die Abrechnungseinstellungen („billing“) sind beschädigt. Bitte mit „nachklang billing set …“ neu festlegen oder das JSON von Hand reparieren.",
    en: "{file}: the billing settings ('billing') are damaged. Set them again with 'nachklang billing set …' or repair the JSON by hand.",
  },
  "records.retentionDamaged": {
    de: "{file}: die Aufbewahrungsdauer („records“) ist beschädigt; nichts wird gelöscht. Bitte mit „nachklang records retention set 10y“ neu festlegen oder das JSON von Hand reparieren.",
    en: "{file}: the retention period ('records') is damaged; nothing is deleted. Set it again with 'nachklang records retention set 10y' or repair the JSON by hand.",
  },
  "billing.settings": {
    de: "Abrechnung: Standardprofil {profile}, Stundensatz {hourly} €, Takt {round} min, GOÄ-Faktor {factor}.",
    en: "Billing: default profile {profile}, hourly rate {hourly} EUR, rounding {round} min, GOÄ factor {factor}.",
  },

  // --- history, ranges ---
  "records.badRange": { de: "Der Zeitraum {from} bis {to} ist leer (Anfang nach Ende).", en: "The range {from} to {to} is empty (start after end)." },
  "records.badSpan": { de: "„{value}“ ist keine Dauer; bitte z. B. {example}.", en: "'{value}' is not a span; use e.g. {example}." },

  // --- retention, purge, prune, verify ---
  "records.retentionUsage": { de: "Aufruf: nachklang records retention [set 10y]", en: "Usage: nachklang records retention [set 10y]" },
  "records.retentionTooLong": {
    de: "„{value}“ ist länger als jede Aufbewahrungsfrist (höchstens {max}); nichts geändert. Üblich sind 10y (§630f Abs. 3 BGB).",
    en: "'{value}' is longer than any retention period (at most {max}); nothing was changed. The usual one is 10y (§630f para. 3 BGB).",
  },
  "records.retentionShort": {
    de: "Hinweis: {span} ist kürzer als die zehn Jahre nach §630f Abs. 3 BGB; bitte prüfen, ob das für Ihre Praxis gilt.",
    en: "Note: {span} is shorter than the ten years of §630f para. 3 BGB; check that this applies to your practice.",
  },
  "records.retention": {
    de: "Aufbewahrung: {span} nach dem letzten Kontakt (Standard {standard}).",
    en: "Retention: {span} after the last contact (standard {standard}).",
  },
  "records.removedClient": { de: "(entfernt, {tag}…)", en: "(removed, {tag}…)" },
  "records.cacheCleared": {
    de: "Medien-Zwischenspeicher geleert ({count} {count:Eintrag|Einträge}): er wird nicht je Klient:in geführt und könnte ihre bearbeiteten Fotos und Aufnahmen enthalten.",
    en: "Media cache emptied ({count} {count:entry|entries}): it is not kept per client and could hold their processed photos and recordings.",
  },
  "records.purgeNothing": { de: "Keine Aufbewahrungsfrist ({span}) ist abgelaufen; nichts gelöscht.", en: "No retention period ({span}) has ended; nothing deleted." },
  "records.purgeLine": {
    de: "Gelöscht {client}: letzter Kontakt {last}, aufzubewahren bis {until}; {followUps} {followUps:Nachklang|Nachklänge}, {files} {files:Datei|Dateien} ({size}), {time} {time:Zeiteintrag|Zeiteinträge}, {lines} {lines:Ledger-Zeile|Ledger-Zeilen}.",
    en: "Deleted {client}: last contact {last}, kept until {until}; {followUps} {followUps:follow-up|follow-ups}, {files} {files:file|files} ({size}), {time} {time:time entry|time entries}, {lines} {lines:ledger line|ledger lines}.",
  },
  "records.purgeWouldLine": {
    de: "Würde löschen {client}: letzter Kontakt {last}, aufzubewahren bis {until}; {followUps} {followUps:Nachklang|Nachklänge}, {files} {files:Datei|Dateien} ({size}), {time} {time:Zeiteintrag|Zeiteinträge}, {lines} {lines:Ledger-Zeile|Ledger-Zeilen}.",
    en: "Would delete {client}: last contact {last}, kept until {until}; {followUps} {followUps:follow-up|follow-ups}, {files} {files:file|files} ({size}), {time} {time:time entry|time entries}, {lines} {lines:ledger line|ledger lines}.",
  },
  "records.purgeTotal": {
    de: "{clients} {clients:Klient:in|Klient:innen} gelöscht, {size} frei; {lines} {lines:Ledger-Zeile|Ledger-Zeilen} entfernt (signierter Nachweis in ledger/purges.jsonl), {time} {time:Zeiteintrag|Zeiteinträge}, {messages} empfangene {messages:Nachricht|Nachrichten}.",
    en: "{clients} {clients:client|clients} deleted, {size} freed; {lines} {lines:ledger line|ledger lines} removed (signed record in ledger/purges.jsonl), {time} {time:time entry|time entries}, {messages} {messages:message|messages} received.",
  },
  "records.purgeTotalNoLines": {
    de: "{clients} {clients:Klient:in|Klient:innen} gelöscht, {size} frei; keine Ledger-Zeilen (kein Löschnachweis nötig), {time} {time:Zeiteintrag|Zeiteinträge}, {messages} empfangene {messages:Nachricht|Nachrichten}.",
    en: "{clients} {clients:client|clients} deleted, {size} freed; no ledger lines (no purge record needed), {time} {time:time entry|time entries}, {messages} {messages:message|messages} received.",
  },
  "records.purgeInboxPending": {
    de: "{count} empfangene {count:Nachricht ist|Nachrichten sind} noch nicht entschlüsselt; records purge ordnet sie zuerst zu (sie zählen als Kontakt).",
    en: "{count} {count:message|messages} received {count:is|are} not decoded yet; records purge assigns them first (they count as contact).",
  },
  "records.purgeWouldTotal": {
    de: "Probelauf: {clients} {clients:Klient:in|Klient:innen}, {size}, {lines} {lines:Ledger-Zeile|Ledger-Zeilen}, {time} {time:Zeiteintrag|Zeiteinträge}, {messages} empfangene {messages:Nachricht|Nachrichten} würden gelöscht. Löschen: nachklang records purge",
    en: "Dry run: {clients} {clients:client|clients}, {size}, {lines} {lines:ledger line|ledger lines}, {time} {time:time entry|time entries}, {messages} {messages:message|messages} received would be deleted. To delete: nachklang records purge",
  },
  "records.purgeKept": { de: "{count} {count:Klient:in bleibt|Klient:innen bleiben} (Frist läuft noch).", en: "{count} {count:client|clients} kept (retention not over)." },
  "records.pruneWhat": { de: "„{value}“: nur „handoff“ kann geleert werden.", en: "'{value}': only 'handoff' can be pruned." },
  "records.pruned": {
    de: "{count} {count:Übergabe-Kopie|Übergabe-Kopien} älter als {span} entfernt ({size}); das Archiv behält die Nachklänge.",
    en: "{count} hand-over {count:copy|copies} older than {span} removed ({size}); the archive keeps the follow-ups.",
  },
  "records.pruneWould": {
    de: "Probelauf: {count} {count:Übergabe-Kopie|Übergabe-Kopien} älter als {span} ({size}) {count:würde|würden} entfernt.",
    en: "Dry run: {count} hand-over {count:copy|copies} older than {span} ({size}) would be removed.",
  },
  "records.verified": {
    de: "Ledger geprüft: {lines} Zeilen, {purges} signierte Löschnachweise, alles stimmig.",
    en: "Ledger verified: {lines} lines, {purges} signed purge records, all consistent.",
  },
  "ledger.verify.signature": {
    de: "{file}: Löschnachweis {detail} ist nicht von dieser Praxis signiert oder beschädigt; bitte aus dem Backup wiederherstellen.",
    en: "{file}: purge record {detail} is not signed by this practice or is damaged; restore it from a backup.",
  },
  "ledger.verify.chain": {
    de: "{file}: Löschnachweis {detail} passt nicht zum vorigen (ein Nachweis fehlt); bitte aus dem Backup wiederherstellen.",
    en: "{file}: purge record {detail} does not follow the one before (a record is missing); restore it from a backup.",
  },
  "ledger.verify.prefix": {
    de: "{file}: das Ledger wurde nach der Löschung vom {detail} außerhalb von nachklang verändert; bitte aus dem Backup wiederherstellen.",
    en: "{file}: the ledger was changed outside nachklang after the purge of {detail}; restore it from a backup.",
  },
  "ledger.verify.interrupted": {
    de: "{file}: die Löschung vom {detail} wurde unterbrochen; bitte „nachklang records purge“ erneut ausführen.",
    en: "{file}: the purge of {detail} was interrupted; run 'nachklang records purge' again.",
  },
  "ledger.verify.resurrected": {
    de: "{file}: Zeile {detail} des Ledgers gehört zu Akten, die eine signierte Löschung entfernt hat, und stammt von davor: sie wurde zurückkopiert; bitte aus dem Backup wiederherstellen.",
    en: "{file}: line {detail} of the ledger belongs to records a signed purge removed, and dates from before it: it was copied back; restore the ledger from a backup.",
  },
  "ledger.verify.damaged": {
    de: "{file}: Zeile {detail} des Ledgers ist kein gültiger Eintrag; bitte aus dem Backup wiederherstellen.",
    en: "{file}: line {detail} of the ledger is not a valid event; restore it from a backup.",
  },

  // --- doctor: what each folder holds ---
  "doctor.folder": { de: "{name}: {files} {files:Datei|Dateien}, {size} – {holds}", en: "{name}: {files} {files:file|files}, {size} – {holds}" },
  "doctor.recoveryUnanchored": {
    de: "Wiederherstellungsschlüssel ({recipient}) ist älter als seine Bindung an den Praxisschlüssel: eine Wiederherstellung damit kann die Herkunft eines Backups nicht bestätigen. Neu anlegen: nachklang keys recovery --replace --out DATEI",
    en: "The recovery key ({recipient}) predates its tie to the practice key: a restore with it cannot confirm a backup's origin. Make a new one: nachklang keys recovery --replace --out FILE",
  },
  "doctor.recovery": {
    de: "Wiederherstellungsschlüssel vorhanden ({recipient}); Schlüsselbund und Backups sind auch für ihn versiegelt.",
    en: "Recovery key set ({recipient}); the keyring and backups are sealed to it too.",
  },
  "doctor.holds.outbox": { de: "versiegelte Nachklänge, die auf Kontaktzeiten warten", en: "sealed follow-ups waiting for contact hours" },
  "doctor.holds.archive": {
    de: "versandte Nachklänge (Aufbewahrung; „records purge“ löscht nach Fristende)",
    en: "follow-ups sent (record keeping; 'records purge' deletes them when retention ends)",
  },
  "doctor.holds.handoff": {
    de: "Übergabe-Kopien zum Weitergeben („records prune handoff“ leert sie)",
    en: "copies for hand-over ('records prune handoff' empties them)",
  },
  "doctor.holds.ledger": { de: "Ledger: Ereignisse ohne Namen und Inhalte", en: "ledger: events without names or content" },
  "doctor.holds.records": { de: "Kontaktzeit (verschlüsselte Notizen)", en: "contact time (notes encrypted)" },
  "doctor.holds.inbox": { de: "versiegelte Nachrichten der Klient:innen und ihre Dateien", en: "clients' messages and their files, sealed" },
  "doctor.holds.cache": { de: "verschlüsselter Medien-Cache („cache clear“ leert ihn)", en: "encrypted media cache ('cache clear' empties it)" },

  // --- a client's rights: export (Art. 15/20), forget (Art. 17) ---
  "export.noViewerPassphrase": {
    de: "--viewer: „{alias}“ hat keine Passphrase für die Offline-Ansicht; bitte „nachklang client passphrase {alias} --generate“ oder --viewer-passphrase-file (ohne --viewer geht der Export an den age-Schlüssel).",
    en: "--viewer: '{alias}' has no viewer passphrase; run 'nachklang client passphrase {alias} --generate' or give --viewer-passphrase-file (without --viewer the export is sealed to their age key).",
  },
  "export.noKey": {
    de: "„{alias}“ hat weder einen age-Schlüssel noch eine Passphrase für die Offline-Ansicht; bitte „nachklang client passphrase {alias} --generate“ oder --viewer-passphrase-file.",
    en: "'{alias}' has neither an age key nor a viewer passphrase; run 'nachklang client passphrase {alias} --generate' or give --viewer-passphrase-file.",
  },
  "export.written": {
    de: "Auskunft für {alias} → {file} ({size}): {followUps} {followUps:Nachklang|Nachklänge}, {messages} empfangene {messages:Nachricht|Nachrichten}, {time} {time:Zeiteintrag|Zeiteinträge}; verschlüsselt für den age-Schlüssel der Person (öffnet mit age -d -i SCHLÜSSEL | tar x).",
    en: "Export for {alias} → {file} ({size}): {followUps} {followUps:follow-up|follow-ups}, {messages} {messages:message|messages} received, {time} {time:time entry|time entries}; sealed to the client's age key (opens with age -d -i KEY | tar x).",
  },
  "export.writtenViewer": {
    de: "Auskunft für {alias} → {file} ({size}): {followUps} {followUps:Nachklang|Nachklänge}, {messages} empfangene {messages:Nachricht|Nachrichten}, {time} {time:Zeiteintrag|Zeiteinträge}; Offline-Ansicht mit der vereinbarten Passphrase.",
    en: "Export for {alias} → {file} ({size}): {followUps} {followUps:follow-up|follow-ups}, {messages} {messages:message|messages} received, {time} {time:time entry|time entries}; offline viewer with the agreed passphrase.",
  },
  "export.missing": {
    de: "{count} {count:Nachklang ist|Nachklänge sind} nicht mehr gespeichert (storniert oder gelöscht) und nur im Verlauf (followups.json) enthalten.",
    en: "{count} {count:follow-up is|follow-ups are} no longer stored (cancelled or purged) and appear only in the history (followups.json).",
  },
  "export.readme": {
    de: "Auskunft nach Art. 15 und 20 DSGVO\n\nPraxis: {practice}\nKürzel: {alias}\nStand: {date}\n\nEnthalten ist alles, was nachklang über Sie speichert:\n- client.json: Ihr Eintrag (Kontaktwege, Sprache, Einwilligungen)\n- consents.json: Ihre Einwilligungen und Widerrufe\n- followups.json: jeder Nachklang mit Zeitpunkt und Versandweg\n- followup-…: {followUps} {followUps:Nachklang|Nachklänge} mit Nachricht und Anhängen, wie versandt\n- messages.json, message-…: {messages} {messages:Nachricht|Nachrichten}, die Sie der Praxis geschrieben haben, mit Dateien\n- contact-time.json: {time} {time:Eintrag|Einträge} zur Kontaktzeit zwischen den Sitzungen, mit Notizen\n\nDie Datei manifest.json ist von der Praxis signiert (minisign); jede Datei ist darin mit ihrer SHA-256-Prüfsumme verzeichnet.\n",
    en: "Copy of your data under Art. 15 and 20 GDPR\n\nPractice: {practice}\nAlias: {alias}\nAs of: {date}\n\nThis holds everything nachklang stores about you:\n- client.json: your entry (ways to reach you, language, consents)\n- consents.json: your consents and withdrawals\n- followups.json: every follow-up with its time and channel\n- followup-…: {followUps} {followUps:follow-up|follow-ups} with message and attachments, as sent\n- messages.json, message-…: {messages} {messages:message|messages} you sent to the practice, with their files\n- contact-time.json: {time} {time:entry|entries} of contact time between sessions, with notes\n\nmanifest.json is signed by the practice (minisign); it lists every file with its SHA-256 checksum.\n",
  },
  "forget.already": {
    de: "„{alias}“ wurde schon am {date} gelöscht (Art. 17 DSGVO); es gibt nichts weiter zu löschen. Die Akten gehen mit dem Ende ihrer Aufbewahrung („nachklang records purge --dry-run“ zeigt wann).",
    en: "'{alias}' was already forgotten on {date} (GDPR Art. 17); there is nothing more to delete. The records go when their retention ends ('nachklang records purge --dry-run' shows when).",
  },
  "forget.needsYes": {
    de: "„client forget {alias}“ löscht Kontaktdaten endgültig; ohne Terminal bitte mit --yes bestätigen.",
    en: "'client forget {alias}' deletes contact details for good; without a terminal, confirm with --yes.",
  },
  "forget.confirm": {
    de: "Kontaktdaten und wartende Nachklänge von {alias} endgültig löschen?",
    en: "Delete {alias}'s contact details and waiting follow-ups for good?",
  },
  "forget.deleted": {
    de: "Gelöscht für {alias}: {fields}; {queued} {queued:wartender Nachklang|wartende Nachklänge}; {copies} {copies:Übergabe-Kopie|Übergabe-Kopien}. Alle Einwilligungen sind widerrufen: es wird nichts mehr gesendet.",
    en: "Deleted for {alias}: {fields}; {queued} waiting {queued:follow-up|follow-ups}; {copies} hand-over {copies:copy|copies}. Every consent is withdrawn: nothing will be sent any more.",
  },
  "forget.kept": {
    de: "Aufbewahrt (Dokumentationspflicht §630f BGB, verschlüsselt, unverändert): Eintrag mit Kürzel, Name, Sprache und Einwilligungsverlauf; {followUps} {followUps:versandter Nachklang|versandte Nachklänge} im Archiv; {messages} empfangene {messages:Nachricht|Nachrichten}; Ledger; {time} {time:Zeiteintrag|Zeiteinträge} – bis {until}.",
    en: "Kept (record-keeping duty, §630f BGB; sealed, untouched): the entry with alias, name, language and consent history; {followUps} {followUps:follow-up|follow-ups} sent, in the archive; {messages} {messages:message|messages} received; the ledger; {time} {time:time entry|time entries} – until {until}.",
  },
  "forget.mayHaveArrived": {
    de: "{alias}: Nachklang {id} wurde gerade zugestellt, als ein nachklang-Lauf abbrach; er ist vielleicht angekommen. Bitte mit der Klient:in klären. Er ist als „unklar“ vermerkt und bleibt im Archiv wie die versandten.",
    en: "{alias}: follow-up {id} was being delivered when a nachklang run stopped; it may have arrived. Please check with the client. It is recorded as uncertain and kept in the archive with those sent.",
  },
  "forget.after": {
    de: "Danach löscht „nachklang records purge“ auch diese.",
    en: "After that, 'nachklang records purge' deletes these too.",
  },
  "forget.field.threema": { de: "Threema-ID", en: "Threema ID" },
  "forget.field.phone": { de: "Telefonnummer", en: "phone number" },
  "forget.field.email": { de: "E-Mail-Adresse", en: "e-mail address" },
  "forget.field.ageRecipient": { de: "age-Schlüssel", en: "age key" },
  "forget.field.channel": { de: "bevorzugter Kanal", en: "preferred channel" },
  "forget.field.viewerPassphrase": { de: "Passphrase der Offline-Ansicht", en: "viewer passphrase" },
  "forget.field.pinnedKeys": { de: "gepinnte Schlüssel", en: "pinned keys" },

  // --- backup, restore, recovery key ---
  "recovery.badKeyFile": {
    de: "{file}: darin steht kein age-Schlüssel (AGE-SECRET-KEY-1…); bitte die Datei mit dem Wiederherstellungsschlüssel angeben.",
    en: "{file}: holds no age key (AGE-SECRET-KEY-1…); give the file with the recovery key.",
  },
  "recovery.copyUnopenable": {
    de: "{file}: die Kopie des Schlüsselbunds öffnet sich mit diesem Wiederherstellungsschlüssel nicht; bitte den richtigen Schlüssel angeben.",
    en: "{file}: the keyring copy does not open with this recovery key; give the right key.",
  },
  "recovery.exists": {
    de: "Diese Praxis hat schon einen Wiederherstellungsschlüssel ({recipient}); einen neuen mit --replace (der alte öffnet dann nur noch ältere Backups).",
    en: "This practice has a recovery key already ({recipient}); make a new one with --replace (the old one then opens older backups only).",
  },
  "recovery.none": {
    de: "Kein Wiederherstellungsschlüssel: eine vergessene Passphrase wäre nicht zu ersetzen. Anlegen: nachklang keys recovery --out DATEI",
    en: "No recovery key: a forgotten passphrase could not be replaced. Make one: nachklang keys recovery --out FILE",
  },
  "recovery.offer": {
    de: "Jetzt einen Wiederherstellungsschlüssel anlegen (empfohlen; zum Aufbewahren auf Papier)?",
    en: "Make a recovery key now (recommended; to keep on paper)?",
  },
  "recovery.shown": {
    de: "Wiederherstellungsschlüssel – jetzt abschreiben oder ausdrucken, er wird nicht noch einmal gezeigt, und sicher verwahren (nicht auf diesem Rechner):",
    en: "Recovery key – write it down or print it now, it is not shown again, and keep it safe (not on this computer):",
  },
  "recovery.written": {
    de: "Wiederherstellungsschlüssel in {file} (0600); bitte ausdrucken oder auf einen Datenträger außerhalb dieses Rechners bringen und hier löschen.",
    en: "Recovery key written to {file} (0600); print it or move it off this computer, then delete it here.",
  },
  "recovery.sealed": {
    de: "Schlüsselbund zusätzlich für den Wiederherstellungsschlüssel versiegelt ({file}); Backups werden auch für ihn versiegelt.",
    en: "Keyring sealed to the recovery key as well ({file}); backups are sealed to it too.",
  },
  "recovery.needsOut": {
    de: "Ohne Terminal bitte --out DATEI angeben: der Wiederherstellungsschlüssel wird nur auf einem Terminal angezeigt.",
    en: "Without a terminal, give --out FILE: the recovery key is only ever shown on a terminal.",
  },
  "backup.notBackup": { de: "{file} ist kein nachklang-Backup (keine age-Datei).", en: "{file} is not a nachklang backup (not an age file)." },
  "backup.foreign": {
    de: "{file} ist nicht für diese Praxis oder diesen Schlüssel versiegelt; nichts wiederhergestellt.",
    en: "{file} is not sealed to this practice or this key; nothing was restored.",
  },
  "backup.damaged": {
    de: "{file} ist beschädigt ({detail}); nichts wiederhergestellt. Bitte ein anderes Backup verwenden.",
    en: "{file} is damaged ({detail}); nothing was restored. Use another backup.",
  },
  "backup.forged": {
    de: "{file} ist nicht vom Praxisschlüssel {keyId} signiert: verändert oder von jemand anderem erstellt; nichts wiederhergestellt. Bitte ein anderes Backup verwenden.",
    en: "{file} is not signed by the practice key {keyId}: changed or made by someone else; nothing was restored. Use another backup.",
  },
  "backup.anchorMismatch": {
    de: "{file}: die Schlüsselbund-Kopie darin gehört nicht zu diesem Wiederherstellungsschlüssel: verändert oder von jemand anderem erstellt; nichts wiederhergestellt.",
    en: "{file}: its keyring copy does not belong to this recovery key: changed or made by someone else; nothing was restored.",
  },
  "backup.unsigned": {
    de: "{file} stammt aus der Zeit vor signierten Backups; seine Herkunft ist nicht zu bestätigen. Nur wenn Sie es selbst erstellt haben: --accept-unverified. Nichts wiederhergestellt.",
    en: "{file} was made before backups were signed, so its origin cannot be confirmed. Only if you made it yourself: --accept-unverified. Nothing was restored.",
  },
  "backup.unanchored": {
    de: "{file}: der Wiederherstellungsschlüssel dieser Praxis ist älter als seine Bindung an den Praxisschlüssel; die Herkunft des Backups ist nicht zu bestätigen. Nur wenn Sie es selbst erstellt haben: --accept-unverified. Nichts wiederhergestellt.",
    en: "{file}: this practice's recovery key predates its tie to the practice key, so the backup's origin cannot be confirmed. Only if you made it yourself: --accept-unverified. Nothing was restored.",
  },
  "restore.unverified": {
    de: "{file} ist ohne bestätigte Herkunft wiederhergestellt (--accept-unverified). Bitte Klient:innen und Kanäle prüfen (client list, channels list), dann ein neues Backup und einen neuen Wiederherstellungsschlüssel anlegen (keys recovery --replace).",
    en: "{file} was restored without a confirmed origin (--accept-unverified). Check clients and channels (client list, channels list), then make a new backup and a new recovery key (keys recovery --replace).",
  },
  "backup.noCarrier": {
    de: "{file} enthält keinen Schlüsselbund für die Passphrase; bitte mit --recovery-key DATEI wiederherstellen.",
    en: "{file} carries no keyring for the passphrase; restore it with --recovery-key FILE.",
  },
  "export.insideHome": {
    de: "Der Export darf nicht im Praxisordner liegen ({file}): dort bliebe er in jedem Backup; bitte einen Ort außerhalb wählen.",
    en: "The export must not be inside the practice folder ({file}): it would stay there, in every backup; please choose a place outside it.",
  },
  "restore.insideHome": {
    de: "{home} liegt im Praxisordner {practice}; dort käme die wiederhergestellte Praxis in jedes Backup. Bitte einen Ordner außerhalb wählen.",
    en: "{home} lies inside the practice folder {practice}; a practice restored there would go into every backup of it. Please choose a folder outside it.",
  },
  "backup.insideHome": {
    de: "Das Backup darf nicht im Praxisordner liegen ({file}); bitte einen Ort außerhalb wählen, am besten einen anderen Datenträger.",
    en: "The backup must not be inside the practice folder ({file}); choose a place outside it, preferably another disk.",
  },
  "backup.written": {
    de: "Backup {file}: {files} {files:Datei|Dateien} ({bytes}), verschlüsselt {size}; öffnet mit der Passphrase{recovery}.",
    en: "Backup {file}: {files} {files:file|files} ({bytes}), {size} sealed; opens with the passphrase{recovery}.",
  },
  "backup.andRecovery": { de: " oder dem Wiederherstellungsschlüssel", en: " or the recovery key" },
  "restore.homeNotFolder": {
    de: "{home} ist eine Datei oder ein Gerät, kein Ordner; die Wiederherstellung überschreibt nichts. Bitte einen neuen Ordner mit --home angeben.",
    en: "{home} is a file or a device, not a folder; restoring never overwrites. Give a new folder with --home.",
  },
  "restore.noSpace": {
    de: "{file}: die Wiederherstellung braucht bis zu {mb} MB in {place}, dort sind {free} MB frei; nichts geschrieben. Bitte dort Platz schaffen oder mit --home einen anderen Ort wählen.",
    en: "{file}: restoring it needs up to {mb} MB in {place}, where {free} MB are free; nothing was written. Please free some space there or choose another place with --home.",
  },
  "restore.homeExists": {
    de: "{home} existiert schon und ist nicht leer; die Wiederherstellung überschreibt nichts. Bitte einen neuen Ordner mit --home angeben.",
    en: "{home} exists and is not empty; restoring never overwrites. Give a new folder with --home.",
  },
  "restore.done": {
    de: "Wiederhergestellt nach {home}: {files} {files:Datei|Dateien} ({bytes}), Praxisschlüssel {keyId}, Backup vom {created}.",
    en: "Restored into {home}: {files} {files:file|files} ({bytes}), practice key {keyId}, backup of {created}.",
  },
  "restore.newPassphrase": {
    de: "Der Schlüsselbund ist mit dem Wiederherstellungsschlüssel geöffnet und unter der neuen Passphrase gespeichert.",
    en: "The keyring was opened with the recovery key and stored under the new passphrase.",
  },
} satisfies Catalogue;

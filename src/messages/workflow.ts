import type { Catalogue } from "./entry.js";

/**
 * Lines of the workflow: send, the wizard, batch, outbox, ledger, contact hours, consent —
 * and the texts of the follow-up message itself (`followup.*`), which go to clients.
 */
export const workflow = {
  // --- the follow-up message (client-facing) ---
  "followup.greeting": { de: "Hallo,", en: "Hello," },
  "followup.greeting.named": { de: "Hallo {name},", en: "Hello {name}," },
  "followup.attached": { de: "Anbei: {list}.", en: "Attached: {list}." },
  "followup.and": { de: " und ", en: " and " },
  "followup.attached.photo": { de: "ein Foto aus unserer Sitzung", en: "a photo from our session" },
  "followup.attached.photos": { de: "{count} {count:Foto|Fotos} aus unserer Sitzung", en: "{count} {count:photo|photos} from our session" },
  "followup.attached.audio": { de: "eine Audio-Übung", en: "an audio exercise" },
  "followup.attached.audios": { de: "{count} Audio-Übungen", en: "{count} audio exercises" },
  "followup.homework": {
    de: "Eine Anregung für die Zeit bis zum nächsten Mal (freiwillig): {title}",
    en: "A suggestion for the time until we meet again (voluntary): {title}",
  },
  "impulse.badLink": {
    de: "„{value}“ ist kein Link (eine http(s)-Adresse wie https://example.org/); ein Link-Impuls trägt genau eine Adresse.",
    en: "'{value}' is not a link (an http(s) address such as https://example.org/); a link impulse carries one address.",
  },
  "followup.impulses": { de: "Impulse:", en: "Impulses:" },
  "followup.impulse.quote": { de: "Zitat", en: "Quote" },
  "followup.impulse.link": { de: "Link", en: "Link" },
  "followup.impulse.book": { de: "Buch", en: "Book" },
  "followup.impulse.music": { de: "Musik", en: "Music" },
  "followup.impulse.thought": { de: "Gedanke", en: "Thought" },
  "followup.appointment.line": {
    de: "Unser nächster Termin: {when} (Kalendereintrag im Anhang).",
    en: "Our next appointment: {when} (calendar entry attached).",
  },
  "followup.appointment.summary": { de: "Termin", en: "Appointment" },
  "followup.appointment.summaryAt": { de: "Termin: {practice}", en: "Appointment: {practice}" },
  "followup.closing": { de: "Herzliche Grüße", en: "Kind regards" },

  // --- clock and contact hours ---
  "clock.badNow": {
    de: "NACHKLANG_NOW=„{value}“ ist keine Zeit; bitte ISO 8601 mit Zeitzone, z. B. 2026-11-28T10:00:00+01:00.",
    en: "NACHKLANG_NOW='{value}' is not a time; use ISO 8601 with an offset, e.g. 2026-11-28T10:00:00+01:00.",
  },
  "hours.badSpec": {
    de: "Kontaktzeiten „{spec}“: „{part}“ nicht verstanden. Beispiel: \"mo-fr 09:00-18:00; sa 10:00-12:00\".",
    en: "Contact hours '{spec}': cannot read '{part}'. Example: \"mo-fr 09:00-18:00; sa 10:00-12:00\".",
  },
  "hours.endNotAfterStart": {
    de: "Kontaktzeiten „{spec}“: „{part}“ endet nicht nach seinem Beginn; ein Zeitraum liegt innerhalb eines Tages. Beispiel: \"mo-fr 09:00-18:00\".",
    en: "Contact hours '{spec}': '{part}' does not end after it starts; a range lies within one day. Example: \"mo-fr 09:00-18:00\".",
  },
  "hours.badZone": {
    de: "Unbekannte Zeitzone „{tz}“; bitte einen IANA-Namen wie Europe/Berlin.",
    en: "Unknown time zone '{tz}'; use an IANA name such as Europe/Berlin.",
  },
  "hours.badOff": {
    de: "„{value}“ ist kein freier Tag oder Zeitraum; Beispiel: 2026-12-23..2027-01-06 oder 2026-12-24.",
    en: "'{value}' is not a day or range off; example: 2026-12-23..2027-01-06 or 2026-12-24.",
  },
  "hours.neverOpen": {
    de: "In den nächsten 400 Tagen gibt es keine Kontaktzeit; bitte „nachklang hours show“ prüfen.",
    en: "No contact hour opens within the next 400 days; please check 'nachklang hours show'.",
  },
  "hours.saved": { de: "Kontaktzeiten: {spec} ({tz}).", en: "Contact hours: {spec} ({tz})." },
  "hours.offSaved": { de: "Frei: {ranges}.", en: "Days off: {ranges}." },
  "hours.none": {
    de: "Keine Kontaktzeiten festgelegt: Nachklänge gehen sofort hinaus. Festlegen: nachklang hours set \"mo-fr 09:00-18:00\"",
    en: "No contact hours set: follow-ups go out at once. Set them: nachklang hours set \"mo-fr 09:00-18:00\"",
  },
  "hours.show": { de: "Kontaktzeiten: {spec} ({tz})", en: "Contact hours: {spec} ({tz})" },
  "hours.showOff": { de: "Frei: {ranges}", en: "Days off: {ranges}" },
  "hours.openNow": { de: "Jetzt ({now}) ist Kontaktzeit.", en: "Now ({now}) is within contact hours." },
  "hours.nextOpening": { de: "Jetzt ({now}) ist keine Kontaktzeit; nächste: {next}.", en: "Now ({now}) is outside contact hours; next: {next}." },
  "hours.offCleared": { de: "Alle freien Tage entfernt.", en: "All days off removed." },
  "time.skipped": {
    de: "„{value}“ gibt es in {tz} nicht: die Uhren springen in dieser Nacht vor, auf {jump}. Bitte eine Zeit davor oder danach angeben.",
    en: "'{value}' does not exist in {tz}: the clocks jump forward that night, to {jump}. Please give a time before or after.",
  },
  "time.bad": {
    de: "„{value}“ ist keine Zeit; bitte z. B. \"2026-12-03 16:00\".",
    en: "'{value}' is not a time; use e.g. \"2026-12-03 16:00\".",
  },

  // --- policy ---
  "consent.missing": {
    de: "Keine gültige Einwilligung von {alias} für {channel}: nichts gesendet. Nach dem Aufklärungsgespräch erfassen mit: {command}",
    en: "No current consent from {alias} for {channel}: nothing was sent. After informing the client, record it with: {command}",
  },
  "consent.badInfoVersion": {
    de: "„{value}“ taugt nicht als Version des Informationsblatts: bitte Buchstaben, Ziffern, Punkt, Schräg-, Binde- und Unterstrich, höchstens 40 Zeichen (z. B. 2026-01).",
    en: "'{value}' is not usable as the information sheet's version: use letters, digits, dot, slash, dash and underscore, at most 40 characters (e.g. 2026-01).",
  },
  "consent.badDate": { de: "„{value}“ ist kein Datum (JJJJ-MM-TT).", en: "'{value}' is not a date (YYYY-MM-DD)." },
  "consent.futureDate": {
    de: "{value} liegt in der Zukunft; eine Einwilligung wird an dem Tag erfasst, an dem sie gegeben (oder widerrufen) wurde.",
    en: "{value} lies in the future; record a consent on the day it was given (or withdrawn).",
  },
  "consent.tooEarly": {
    de: "{value} liegt vor dem {earliest}; so alt ist keine Einwilligung in Nachklänge über Messenger oder E-Mail. Bitte das Datum prüfen (JJJJ-MM-TT).",
    en: "{value} lies before {earliest}; no consent to follow-ups by messenger or e-mail is that old. Check the date (YYYY-MM-DD).",
  },
  "consent.withdrawnBeforeGiven": {
    de: "{alias} hat die Einwilligung für {channel} am {given} erteilt; ein Widerruf am {value} läge davor. Bitte das Datum prüfen.",
    en: "{alias} gave consent for {channel} on {given}; a withdrawal on {value} would come before it. Check the date.",
  },
  "consent.noneToWithdraw": {
    de: "{alias} hat für {channel} keine gültige Einwilligung; nichts zu widerrufen.",
    en: "{alias} has no current consent for {channel}; nothing to withdraw.",
  },
  "consent.recorded": {
    de: "Einwilligung von {alias} für {channel} erfasst (Datum {date}, Aufklärung Version {version}).",
    en: "Consent from {alias} for {channel} recorded (date {date}, information version {version}).",
  },
  "consent.withdrawn": {
    de: "Einwilligung von {alias} für {channel} widerrufen am {date}. Wartende Nachklänge über {channel} werden nicht zugestellt.",
    en: "Consent from {alias} for {channel} withdrawn on {date}. Follow-ups waiting for {channel} will not be delivered.",
  },
  "consent.showLine": { de: "{channel}: erteilt {date} (Version {version}){withdrawn}", en: "{channel}: given {date} (version {version}){withdrawn}" },
  "consent.showWithdrawn": { de: ", widerrufen {date}", en: ", withdrawn {date}" },
  "consent.showNone": {
    de: "{alias} hat noch keine Einwilligung erteilt. Erfassen mit: nachklang consent record {alias} --channel TYP",
    en: "{alias} has not given consent yet. Record it with: nachklang consent record {alias} --channel TYPE",
  },

  // --- channels and addresses ---
  "workflow.noAddress": {
    de: "{alias} hat keine Adresse ({address}) für den Kanal {channel}; bitte mit „nachklang client edit {alias} --{address} …“ ergänzen.",
    en: "{alias} has no address ({address}) for channel {channel}; please add it with 'nachklang client edit {alias} --{address} …'.",
  },
  "workflow.badAppointment": {
    de: "Termin „{value}“ nicht verstanden; bitte z. B. \"2026-12-03 16:00\".",
    en: "Cannot read the appointment '{value}'; use e.g. \"2026-12-03 16:00\".",
  },
  "workflow.unknownTemplate": {
    de: "Übungsvorlage „{id}“ gibt es nicht; „nachklang templates list“ zeigt alle.",
    en: "No homework template '{id}'; 'nachklang templates list' shows all.",
  },
  "workflow.badImpulse": {
    de: "Impuls „{value}“: bitte ART:TEXT mit ART = quote, link, book, music, video oder thought.",
    en: "Impulse '{value}': use KIND:TEXT with KIND one of quote, link, book, music, video, thought.",
  },
  "workflow.badVar": { de: "--var „{value}“: bitte NAME=WERT.", en: "--var '{value}': use NAME=VALUE." },
  "workflow.varWithoutHomework": { de: "--var braucht --homework ID.", en: "--var needs --homework ID." },
  "workflow.noteTwice": { de: "Bitte entweder --note oder --note-file, nicht beides.", en: "Please give either --note or --note-file, not both." },
  "workflow.nothingToSend": {
    de: "Nichts zu senden für {alias}: bitte mindestens ein Foto, Audio, eine Übung, einen Impuls, eine Notiz oder einen Termin angeben.",
    en: "Nothing to send to {alias}: give at least a photo, audio, homework, impulse, note or appointment.",
  },
  "workflow.problems": {
    de: "{count} {count:Problem|Probleme}, nichts wurde verarbeitet oder gesendet:",
    en: "{count} {count:problem|problems}, nothing was processed or sent:",
  },
  "workflow.problemLine": { de: "  {where}{problem}", en: "  {where}{problem}" },
  "workflow.processFailed": { de: "{alias}: {problem}", en: "{alias}: {problem}" },

  // --- summaries ---
  "send.item": { de: "  {kind} {name} ({size}){caption}", en: "  {kind} {name} ({size}){caption}" },
  "send.summarySent": {
    de: "Nachklang für {alias} über {channel} zugestellt: {count} {count:Teil|Teile}, {size}. Id {id}.",
    en: "Follow-up for {alias} delivered via {channel}: {count} {count:item|items}, {size}. Id {id}.",
  },
  "send.summaryQueued": {
    de: "Nachklang für {alias} liegt im Postausgang ({count} {count:Teil|Teile}, {size}) und geht am {when} über {channel} hinaus. Id {id}. Zustellen: nachklang outbox flush (z. B. per cron).",
    en: "Follow-up for {alias} is in the outbox ({count} {count:item|items}, {size}) and goes out {when} via {channel}. Id {id}. To deliver: nachklang outbox flush (e.g. from cron).",
  },
  "send.summaryFailed": {
    de: "Nachklang für {alias} über {channel} nicht zugestellt: {problem} Er bleibt im Postausgang (Id {id}).",
    en: "Follow-up for {alias} not delivered via {channel}: {problem} It stays in the outbox (id {id}).",
  },
  "send.summaryUncertain": {
    de: "Zustellung an {alias} (Id {id}) wurde unterbrochen; ob sie ankam, ist unklar. Bitte nachsehen, dann „nachklang outbox retry {id}“ oder „nachklang outbox cancel {id}“.",
    en: "Delivery to {alias} (id {id}) was interrupted; whether it arrived is unknown. Please check, then 'nachklang outbox retry {id}' or 'nachklang outbox cancel {id}'.",
  },
  "send.dryRunHeader": {
    de: "Probelauf: nichts gespeichert, nichts gesendet. So ginge es an {alias} über {channel} ({when}):",
    en: "Dry run: nothing stored, nothing sent. This would go to {alias} via {channel} ({when}):",
  },
  "send.dryRunMessage": { de: "--- Nachricht ---", en: "--- message ---" },
  "send.dryRunItems": { de: "--- Anhänge ({count}, versiegelt {size}) ---", en: "--- items ({count}, sealed {size}) ---" },
  "send.whenNow": { de: "sofort", en: "now" },
  "send.confirm": { de: "An {alias} über {channel} senden?", en: "Send to {alias} via {channel}?" },
  "send.aborted": { de: "Nicht gesendet; nichts gespeichert.", en: "Not sent; nothing stored." },
  "send.needsYes": {
    de: "Bestätigung nötig: im Terminal aufrufen oder --yes angeben.",
    en: "Confirmation needed: run in a terminal or pass --yes.",
  },

  // --- batch ---
  "batch.where.entry": { de: "Eintrag {n} ({client})", en: "entry {n} ({client})" },
  "batch.where.line": { de: "Zeile {n} ({client})", en: "line {n} ({client})" },
  "batch.sameEntry": {
    de: "Hinweis: {where} gleicht {first}; beide werden gesendet. Wenn das nicht gewollt ist, bitte einen der beiden entfernen oder ändern.",
    en: "Note: {where} is the same as {first}; both are sent. If that is not meant, remove or change one of them.",
  },
  "batch.unknownKey": { de: "{field}: unbekannte Angabe(n) {keys}", en: "{field}: unknown key(s) {keys}" },
  "batch.missingField": { de: "{field} fehlt", en: "{field} is missing" },
  "series.noSteps": {
    de: "keine Schritte: eine Serien-Datei braucht die Liste „series:“ mit mindestens einem Schritt (docs/workflow.md, „A series of follow-ups“)",
    en: "no steps: a series file needs the list 'series:' with at least one step (docs/workflow.md, \"A series of follow-ups\")",
  },
  "series.badSpan": {
    de: "{field}: „{value}“ ist keine Zeitspanne; bitte z. B. 30m, 2h, 3d, 1w oder 0 (ganze Zahlen; docs/workflow.md, „A series of follow-ups“)",
    en: "{field}: '{value}' is not a span; use e.g. 30m, 2h, 3d, 1w or 0 (whole numbers; docs/workflow.md, \"A series of follow-ups\")",
  },
  "batch.badField": { de: "{field} hat nicht die erwartete Form (siehe docs/batch.md)", en: "{field} does not have the expected form (see docs/batch.md)" },
  "batch.badImpulseKind": { de: "{field}: Art muss eine von {kinds} sein", en: "{field}: kind must be one of {kinds}" },
  "batch.yamlSyntax": { de: "YAML-Fehler in Zeile {line}: {detail}", en: "YAML error at line {line}: {detail}" },
  "batch.csvSyntax": { de: "CSV-Fehler bei Zeile {line}: {detail}", en: "CSV error at line {line}: {detail}" },
  "batch.csvRowLength": {
    de: "Zeile {line} hat {got} Werte, die Kopfzeile {expected} Spalten (ein Komma in einem Wert? dann den Wert in \"…\" setzen)",
    en: "line {line} has {got} values, the header {expected} columns (a comma in a value? then put the value in \"…\")",
  },
  "batch.csvQuote": { de: "Zeile {line}: ein Anführungszeichen \" ist nicht geschlossen", en: "line {line}: a quotation mark \" is not closed" },
  "batch.csvNoClient": { de: "die Kopfzeile braucht eine Spalte „client“", en: "the header row needs a 'client' column" },
  "batch.csvUnknownColumns": {
    de: "unbekannte Spalte(n) {columns}; erlaubt: {allowed}",
    en: "unknown column(s) {columns}; allowed: {allowed}",
  },
  "batch.csvColumnTwice": {
    de: "{count:die Spalte|die Spalten} {columns} {count:steht|stehen} zweimal in der Kopfzeile; bitte jede nur einmal",
    en: "the header names {count:the column|the columns} {columns} twice; please give each once",
  },
  "batch.empty": { de: "keine Nachklänge in der Datei", en: "no follow-ups in the file" },
  "batch.varsWithoutHomework": { de: "var.-Spalten ohne homework", en: "var. columns without homework" },
  "batch.badExtension": { de: "{file}: bitte eine .yaml-, .yml- oder .csv-Datei.", en: "{file}: please use a .yaml, .yml or .csv file." },
  "batch.invalid": {
    de: "{file}: {count} {count:Problem|Probleme}; nichts wurde verarbeitet oder gesendet:",
    en: "{file}: {count} {count:problem|problems}; nothing was processed or sent:",
  },
  "batch.lineSent": { de: "{alias}: zugestellt über {channel} (Id {id})", en: "{alias}: delivered via {channel} (id {id})" },
  "batch.lineQueued": { de: "{alias}: im Postausgang bis {when} (Id {id})", en: "{alias}: in the outbox until {when} (id {id})" },
  "batch.lineBusy": {
    de: "{alias}: wird gerade von einem anderen nachklang-Prozess zugestellt (Id {id}); der meldet, wie es ausging",
    en: "{alias}: being delivered by another nachklang process right now (id {id}); that one reports how it went",
  },
  "batch.lineAlready": { de: "{alias}: schon {state} (Id {id}), nichts doppelt", en: "{alias}: already {state} (id {id}), nothing sent twice" },
  "batch.lineFailed": { de: "{alias}: FEHLER {problem}", en: "{alias}: FAILED {problem}" },
  "batch.lineUncertain": {
    de: "{alias}: UNKLAR, Zustellung unterbrochen (Id {id}); prüfen, dann nachklang outbox retry {id}",
    en: "{alias}: UNCERTAIN, delivery interrupted (id {id}); check, then nachklang outbox retry {id}",
  },
  "batch.dryRunHeader": {
    de: "Probelauf: nichts gespeichert, nichts gesendet. {count} {count:Nachklang ginge|Nachklänge gingen} so hinaus:",
    en: "Dry run: nothing stored, nothing sent. {count} {count:follow-up|follow-ups} would go like this:",
  },
  "batch.lineDry": { de: "{alias}: {count} {count:Teil|Teile}, {size} über {channel}", en: "{alias}: {count} {count:item|items}, {size} via {channel}" },
  "batch.summary": {
    de: "{total} {total:Nachklang|Nachklänge}: {sent} zugestellt, {queued} im Postausgang, {already} schon erledigt, {failed} fehlgeschlagen, {uncertain} unklar.",
    en: "{total} {total:follow-up|follow-ups}: {sent} delivered, {queued} in the outbox, {already} done before, {failed} failed, {uncertain} uncertain.",
  },
  "batch.stage": { de: "{stage}: {done}/{total}", en: "{stage}: {done}/{total}" },
  "batch.stage.photos": { de: "Fotos", en: "photos" },
  "batch.stage.audio": { de: "Audio", en: "audio" },
  "batch.stage.homework": { de: "Übungen", en: "homework" },
  "batch.stage.seal": { de: "Versiegeln", en: "sealing" },
  "batch.stage.deliver": { de: "Zustellen", en: "delivering" },

  // --- outbox, ledger, status ---
  "outbox.missingBundle": {
    de: "Das Bündel {id} fehlt im Postausgang; bitte „nachklang status“ prüfen.",
    en: "Bundle {id} is missing from the outbox; please check 'nachklang status'.",
  },
  "outbox.empty": { de: "Der Postausgang ist leer.", en: "The outbox is empty." },
  "outbox.line": { de: "{id}  {alias}  {channel}  {state}  fällig {when}", en: "{id}  {alias}  {channel}  {state}  due {when}" },
  "outbox.unknownId": {
    de: "Kein Nachklang „{id}“ im Postausgang; „nachklang outbox list“ zeigt alle.",
    en: "No follow-up '{id}' in the outbox; 'nachklang outbox list' shows all.",
  },
  "outbox.cancelled": { de: "{id} zurückgezogen und gelöscht.", en: "{id} cancelled and deleted." },
  "outbox.notCancellable": { de: "{id} ist schon {state} und kann nicht zurückgezogen werden.", en: "{id} is already {state} and cannot be cancelled." },
  "outbox.released": {
    de: "{id} wird beim nächsten „nachklang outbox flush“ erneut zugestellt.",
    en: "{id} will be delivered again at the next 'nachklang outbox flush'.",
  },
  "outbox.retryArchived": {
    de: "{alias}: Nachklang {id} liegt nicht mehr im Ausgang: „client forget“ hat ihn als vielleicht angekommen ins Archiv gelegt, und nichts stellt ihn mehr zu. Bitte mit der Klient:in klären, ob er angekommen ist.",
    en: "{alias}: follow-up {id} is no longer in the outbox: 'client forget' kept it in the archive as possibly delivered, and nothing will deliver it again. Please check with the client whether it arrived.",
  },
  "outbox.retryMissing": {
    de: "{alias}: Nachklang {id} liegt weder im Ausgang noch im Archiv, also stellt ihn nichts mehr zu. Bitte einen neuen senden, wenn er noch gebraucht wird.",
    en: "{alias}: follow-up {id} is in neither the outbox nor the archive, so nothing can deliver it again. Please send a new one if it is still needed.",
  },
  "outbox.notUncertain": { de: "{id} ist {state}, nicht unklar oder fehlgeschlagen.", en: "{id} is {state}, not uncertain or failed." },
  "outbox.flushNothing": { de: "Nichts fällig ({waiting} warten).", en: "Nothing due ({waiting} waiting)." },
  "ledger.busy": {
    de: "Nachklang {id} wird gerade von einem anderen nachklang-Prozess zugestellt; bitte später erneut versuchen.",
    en: "Follow-up {id} is being delivered by another nachklang process right now; please try again later.",
  },
  "ledger.unknownFollowUp": { de: "Nachklang {id} ist im Protokoll unbekannt.", en: "Follow-up {id} is not in the ledger." },
  "ledger.torn": {
    de: "Hinweis: die letzte Zeile des Protokolls war unvollständig (Absturz) und wurde übergangen.",
    en: "Note: the ledger's last line was incomplete (a crash) and was skipped.",
  },
  "status.none": { de: "Noch keine Nachklänge.", en: "No follow-ups yet." },
  "status.line": { de: "{created}  {id}  {alias}  {channel}  {state}{detail}", en: "{created}  {id}  {alias}  {channel}  {state}{detail}" },
  "status.state.sealed": { de: "versiegelt", en: "sealed" },
  "status.state.queued": { de: "wartet", en: "queued" },
  "status.state.sending": { de: "wird gesendet", en: "sending" },
  "status.state.sent": { de: "zugestellt", en: "sent" },
  "status.state.failed": { de: "fehlgeschlagen", en: "failed" },
  "status.state.uncertain": { de: "unklar", en: "uncertain" },
  "status.state.cancelled": { de: "zurückgezogen", en: "cancelled" },
  "status.receipt.delivered": { de: "empfangen", en: "delivered" },
  "status.receipt.read": { de: "gelesen", en: "read" },
  "status.unknownClient": { de: "(unbekannt)", en: "(unknown)" },
  "history.none": { de: "{alias} hat noch nichts erhalten.", en: "{alias} has not received anything yet." },
  "history.noneInRange": { de: "Von {from} bis {to}: nichts an oder von {alias}.", en: "From {from} to {to}: nothing to or from {alias}." },
  "history.line": { de: "{when}  {channel}  {items} {items:Teil|Teile}, {size}  Id {id}", en: "{when}  {channel}  {items} {items:item|items}, {size}  id {id}" },

  // --- the wizard ---
  "new.client": { de: "Für wen? (tippen zum Suchen)", en: "For whom? (type to search)" },
  "new.needsTerminal": {
    de: "Der Assistent fragt im Terminal, und hier ist keins; ohne Terminal verschickt „nachklang send ALIAS --note … --yes“ ein Follow-up.",
    en: "The wizard asks its questions in a terminal, and this is none; without one, 'nachklang send ALIAS --note … --yes' sends a follow-up.",
  },
  "new.noClients": {
    de: "Noch keine Klient:innen; zuerst „nachklang client add ALIAS“.",
    en: "No clients yet; first 'nachklang client add ALIAS'.",
  },
  "new.photo": { de: "Foto (Pfad, leer = fertig)", en: "Photo (path, empty = done)" },
  "new.audio": { de: "Audio (Pfad, leer = fertig)", en: "Audio (path, empty = done)" },
  "new.caption": { de: "Bildunterschrift (optional)", en: "Caption (optional)" },
  "new.notAFile": { de: "Keine Datei: {file}", en: "Not a file: {file}" },
  "new.homework": { de: "Übung für zu Hause", en: "Homework" },
  "new.noHomework": { de: "(keine)", en: "(none)" },
  "new.var": { de: "{name}{description}", en: "{name}{description}" },
  "new.impulseKind": { de: "Impuls hinzufügen?", en: "Add an impulse?" },
  "new.impulseDone": { de: "(fertig)", en: "(done)" },
  "new.impulseText": { de: "Text", en: "Text" },
  "new.note": { de: "Persönliche Notiz (öffnet den Editor)", en: "Personal note (opens the editor)" },
  "new.addNote": { de: "Eine persönliche Notiz schreiben?", en: "Write a personal note?" },
  "new.appointment": { de: "Nächster Termin (JJJJ-MM-TT HH:MM, leer = keiner)", en: "Next appointment (YYYY-MM-DD HH:MM, empty = none)" },
  "new.preview": { de: "Vorschau:", en: "Preview:" },
} satisfies Catalogue;

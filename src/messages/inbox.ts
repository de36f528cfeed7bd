import type { Catalogue } from "./entry.js";

/** Lines of the inbox (`nachklang inbox …`), the away notice setting, and replies in status/history. */
export const inbox = {
  // --- list ---
  "inbox.empty": { de: "Keine ungelesenen Nachrichten.", en: "No unread messages." },
  "inbox.line": {
    de: "{alias}: {count} ungelesen seit {since} ({channels})",
    en: "{alias}: {count} unread since {since} ({channels})",
  },
  "inbox.lineFiles": {
    de: "{alias}: {count} ungelesen seit {since}, {files} {files:Datei|Dateien} ({channels})",
    en: "{alias}: {count} unread since {since}, {files} {files:file|files} ({channels})",
  },
  "inbox.busy": {
    de: "Ein anderer nachklang-Aufruf verarbeitet gerade den Posteingang; neue Nachrichten erscheinen beim nächsten Aufruf.",
    en: "Another nachklang run is processing the inbox right now; new messages will show at the next run.",
  },
  "inbox.refused": {
    de: "Eine Nachricht über „{channel}“ wurde verworfen: {problem}. Nichts davon wird angezeigt.",
    en: "A message via '{channel}' was discarded: {problem}. Nothing of it is shown.",
  },
  "inbox.discardedEarlier": {
    de: "{count} {count:Nachricht wurde|Nachrichten wurden} schon früher verworfen, als ein anderer Befehl (etwa ein geplantes „outbox flush“) den Posteingang entschlüsselte; nichts davon wird angezeigt. Fehlt die Nachricht einer Klientin oder eines Klienten, bitte erneut schicken lassen.",
    en: "{count} {count:message was|messages were} discarded earlier, while another command (such as a scheduled 'outbox flush') decoded the inbox; nothing of it is shown. If a client's message is missing, ask them to send it again.",
  },
  "inbox.discarded": {
    de: "{count} {count:Nachricht|Nachrichten} verworfen (siehe oben); alle anderen wurden verarbeitet. Fehlt die Nachricht einer Klientin oder eines Klienten, bitte erneut schicken lassen.",
    en: "{count} {count:message|messages} discarded (see above); all others were processed. If a client's message is missing, ask them to send it again.",
  },
  "inbox.problem.mac": { de: "die Prüfsumme (MAC) stimmt nicht – nicht vom Threema Gateway", en: "wrong MAC – not from the Threema Gateway" },
  "inbox.problem.format": { de: "unvollständig oder fehlerhaft", en: "incomplete or malformed" },
  "inbox.problem.wrongGateway": { de: "an eine andere Gateway-ID gerichtet", en: "addressed to another Gateway ID" },
  "inbox.problem.decrypt": { de: "lässt sich nicht entschlüsseln", en: "does not decrypt" },
  "inbox.problem.damaged": {
    de: "die gespeicherte Datei ist beschädigt oder nicht mit dem Schlüssel dieser Praxis versiegelt",
    en: "the stored file is damaged or not sealed to this practice's key",
  },
  "inbox.unknownSenders": {
    de: "{count} {count:Nachricht|Nachrichten} von Absender:innen, die nicht im Klient:innen-Verzeichnis stehen, {count:wartet|warten} versiegelt, höchstens {days} Tage nach Eingang. Mit „nachklang client add ALIAS --threema ID“ oder „--phone NUMMER“ anlegen, dann erscheinen sie.",
    en: "{count} {count:message|messages} from senders who are not in the client registry {count:waits|wait}, sealed, for at most {days} days after arrival. Add them with 'nachklang client add ALIAS --threema ID' or '--phone NUMBER' and they will show.",
  },
  "inbox.unknownExpired": {
    de: "{count} {count:Nachricht|Nachrichten} von Absender:innen, die nicht im Klient:innen-Verzeichnis stehen, {count:wurde|wurden} ungelesen gelöscht: mehr als {days} Tage nach Eingang. War jemand davon Klient:in, bitte erneut schreiben lassen.",
    en: "{count} {count:message|messages} from senders who are not in the client registry {count:was|were} deleted unread: more than {days} days after arrival. If one of them is a client, ask them to write again.",
  },
  "inbox.postponed": {
    de: "Eine Nachricht über „{channel}“ bleibt versiegelt liegen und wird beim nächsten Aufruf erneut versucht: {problem}",
    en: "A message via '{channel}' stays sealed and is tried again at the next run: {problem}",
  },
  "inbox.channelCannotReceive": {
    de: "Kanal „{channel}“ kann keine Nachrichten empfangen (nur Threema und Signal können das).",
    en: "Channel '{channel}' cannot receive messages (only Threema and Signal can).",
  },
  // --- read ---
  "inbox.read.none": { de: "Von {alias} wartet nichts.", en: "Nothing waits from {alias}." },
  "inbox.read.header": { de: "— {when}, über {channel}:", en: "— {when}, via {channel}:" },
  "inbox.read.file": { de: "  Datei: {name} ({mime}, {size}){caption}", en: "  File: {name} ({mime}, {size}){caption}" },
  "inbox.read.skipped.tooLarge": {
    de: "  Datei {name} ({size}) nicht übernommen: größer als die Grenze (inbox.maxFileMB in der Konfiguration).",
    en: "  File {name} ({size}) not taken: larger than the limit (inbox.maxFileMB in the configuration).",
  },
  "inbox.read.skipped.unavailable": {
    de: "  Datei {name} war beim Dienst nicht mehr abrufbar. Bitte bei Bedarf erneut schicken lassen.",
    en: "  File {name} could no longer be fetched from the service. Ask for it again if needed.",
  },
  "inbox.read.unsupported": {
    de: "  (Eine Nachrichtenart, die nachklang nicht anzeigt: {type}. Bitte in der App nachsehen.)",
    en: "  (A kind of message nachklang does not show: {type}. Please look in the app.)",
  },
  "inbox.read.written": { de: "  geschrieben: {path}", en: "  written: {path}" },
  "inbox.read.outNotFolder": {
    de: "{file} ist eine Datei oder ein Gerät, kein Ordner; nichts geschrieben, nichts als gelesen markiert. Bitte mit --out einen Ordner angeben.",
    en: "{file} is a file or a device, not a folder; nothing was written or marked read. Please name a folder with --out.",
  },
  "inbox.read.filesHint": {
    de: "  Dateien speichern: nachklang inbox read {alias} --out ORDNER (solange ungelesen; danach nur noch im Posteingang versiegelt).",
    en: "  To save the files: nachklang inbox read {alias} --out FOLDER (while unread; afterwards they stay sealed in the inbox).",
  },
  "inbox.receipt.sent": { de: "Lesebestätigung an {alias} über {channel} gesendet.", en: "Read receipt sent to {alias} via {channel}." },
  "inbox.receipt.held": {
    de: "Lesebestätigung an {alias} über {channel} wartet auf die Kontaktzeit ({when}): außerhalb verrät sie, wann die Praxis liest.",
    en: "Read receipt to {alias} via {channel} waits for contact hours ({when}): outside them it would tell when the practice reads.",
  },
  "inbox.receipt.off.practice": {
    de: "Keine Lesebestätigung: für die Praxis ausgeschaltet (nachklang inbox receipts on).",
    en: "No read receipt: switched off for the practice (nachklang inbox receipts on).",
  },
  "inbox.receipt.off.client": {
    de: "Keine Lesebestätigung: für {alias} ausgeschaltet (nachklang inbox receipts on {alias}).",
    en: "No read receipt: switched off for {alias} (nachklang inbox receipts on {alias}).",
  },
  "inbox.receipt.off.consent": {
    de: "Keine Lesebestätigung: {alias} hat für {channel} keine gültige Einwilligung.",
    en: "No read receipt: {alias} has no current consent for {channel}.",
  },
  "inbox.receipt.failed": {
    de: "Die Nachrichten sind als gelesen vermerkt, aber die Lesebestätigung an {alias} über {channel} ging nicht hinaus: {problem}",
    en: "The messages are marked read, but the read receipt to {alias} via {channel} did not go out: {problem}",
  },
  // --- reply ---
  "inbox.reply.answers": { de: "Als Antwort auf {count} {count:Nachricht|Nachrichten} von {alias} vermerkt.", en: "Recorded as the answer to {count} {count:message|messages} from {alias}." },
  // --- receipts on|off ---
  "inbox.onOff": { de: "„{value}“: bitte „on“ oder „off“ angeben.", en: "'{value}': please give 'on' or 'off'." },
  "inbox.receipts.practiceOn": {
    de: "Lesebestätigungen sind eingeschaltet: sie gehen hinaus, wenn Sie eine Nachricht mit „nachklang inbox read“ lesen.",
    en: "Read receipts are on: they go out when you read a message with 'nachklang inbox read'.",
  },
  "inbox.receipts.practiceOff": { de: "Lesebestätigungen sind für die Praxis ausgeschaltet.", en: "Read receipts are off for the practice." },
  "inbox.receipts.clientOn": { de: "Lesebestätigungen an {alias} sind eingeschaltet.", en: "Read receipts to {alias} are on." },
  "inbox.receipts.clientOnPracticeOff": {
    de: "Lesebestätigungen an {alias} sind eingeschaltet, aber für die ganze Praxis aus (nachklang inbox receipts on).",
    en: "Read receipts to {alias} are on, but off for the whole practice (nachklang inbox receipts on).",
  },
  "inbox.receipts.clientOff": { de: "Lesebestätigungen an {alias} sind ausgeschaltet.", en: "Read receipts to {alias} are off." },
  // --- away notice ---
  "inbox.away.sent": { de: "Abwesenheitshinweis an {alias} über {channel} gesendet.", en: "Away notice sent to {alias} via {channel}." },
  "inbox.away.failed": {
    de: "Der Abwesenheitshinweis an {alias} über {channel} ging nicht hinaus: {problem}",
    en: "The away notice to {alias} via {channel} did not go out: {problem}",
  },
  "inbox.away.skipped.consent": {
    de: "Kein Abwesenheitshinweis an {alias}: keine gültige Einwilligung für {channel}.",
    en: "No away notice to {alias}: no current consent for {channel}.",
  },
  "inbox.away.skipped.address": {
    de: "Kein Abwesenheitshinweis an {alias}: keine Adresse für {channel}.",
    en: "No away notice to {alias}: no address for {channel}.",
  },
  "inbox.away.skipped.channel": {
    de: "Kein Abwesenheitshinweis an {alias}: der Kanal {channel} ist nicht (mehr) eingerichtet.",
    en: "No away notice to {alias}: the channel {channel} is not (or no longer) configured.",
  },
  "hours.awayNoticeOn": {
    de: "Abwesenheitshinweis: an. Wer außerhalb der Kontaktzeiten schreibt, bekommt einmal je Abwesenheit die Vorlage „away-notice“.",
    en: "Away notice: on. Clients who write outside contact hours get the 'away-notice' template once per off-period.",
  },
  "hours.awayNoticeOff": { de: "Abwesenheitshinweis: aus.", en: "Away notice: off." },
  "hours.awayNoticeNoHours": {
    de: "Es sind keine Kontaktzeiten eingestellt, daher geht nie ein Abwesenheitshinweis hinaus. Einstellen: nachklang hours set \"mo-fr 09:00-17:00\"",
    en: "No contact hours are set, so no away notice ever goes out. Set them: nachklang hours set \"mo-fr 09:00-17:00\"",
  },
  // --- serve ---
  "inbox.serve.listening": {
    de: "Nimmt Threema-Gateway-Callbacks für {gatewayId} (Kanal {channel}) an: {url}",
    en: "Accepting Threema Gateway callbacks for {gatewayId} (channel {channel}) at {url}",
  },
  "inbox.serve.macChecked": { de: "Die MAC wird beim Empfang geprüft.", en: "The MAC is checked on arrival." },
  "inbox.serve.macLater": {
    de: "Die MAC wird erst beim Lesen geprüft (ohne --check-mac hat dieser Dienst kein Gateway-Secret); bis dahin liegt jede Nachricht versiegelt und ungeprüft.",
    en: "The MAC is checked when reading (without --check-mac this service holds no Gateway secret); until then each message is kept sealed and unverified.",
  },
  "inbox.serve.notLoopback": {
    de: "Achtung: {host} ist nicht nur lokal erreichbar. TLS gehört davor (Reverse Proxy oder Tunnel, docs/inbox.md).",
    en: "Warning: {host} is reachable from outside this machine. TLS belongs in front of it (reverse proxy or tunnel, docs/inbox.md).",
  },
  "inbox.serve.badListen": {
    de: "„{value}“ ist keine Adresse zum Lauschen. Beispiel: --listen 127.0.0.1:8470",
    en: "'{value}' is not an address to listen on. Example: --listen 127.0.0.1:8470",
  },
  "inbox.serve.badPath": { de: "„{value}“ ist kein URL-Pfad. Beispiel: --path /threema", en: "'{value}' is not a URL path. Example: --path /threema" },
  "inbox.serve.cannotListen": {
    de: "Kann nicht auf {listen} lauschen ({reason}). Ist die Adresse schon belegt?",
    en: "Cannot listen on {listen} ({reason}). Is the address already in use?",
  },
  "inbox.serve.notThreema": {
    de: "Kein Threema-Kanal „{channel}“. Einrichten: nachklang channels add threema …, oder --channel NAME angeben.",
    en: "No Threema channel '{channel}'. Set one up: nachklang channels add threema …, or give --channel NAME.",
  },
  "inbox.serve.refused.tooLarge": { de: "{time} Callback abgelehnt ({status}): zu groß.", en: "{time} callback refused ({status}): too large." },
  "inbox.serve.refused.type": { de: "{time} Callback abgelehnt ({status}): kein Formular.", en: "{time} callback refused ({status}): not a form." },
  "inbox.serve.refused.fields": { de: "{time} Callback abgelehnt ({status}): ein Feld fehlt.", en: "{time} callback refused ({status}): a field is missing." },
  "inbox.serve.refused.format": { de: "{time} Callback abgelehnt ({status}): fehlerhaftes Feld.", en: "{time} callback refused ({status}): malformed field." },
  "inbox.serve.refused.wrongGateway": {
    de: "{time} Callback abgelehnt ({status}): an eine andere Gateway-ID gerichtet.",
    en: "{time} callback refused ({status}): addressed to another Gateway ID.",
  },
  "inbox.serve.refused.mac": { de: "{time} Callback abgelehnt ({status}): falsche MAC.", en: "{time} callback refused ({status}): wrong MAC." },
  "inbox.serve.noSpace": {
    de: "{time} Callback nicht gespeichert ({status}): kein Platz auf dem Datenträger ({code}). Das Gateway versucht es später erneut.",
    en: "{time} callback not stored ({status}): no space left on the disk ({code}). The Gateway will try again later.",
  },
  "inbox.serve.full": {
    de: "{time} Callback nicht gespeichert ({status}): {count} Nachrichten warten aufs Entschlüsseln (höchstens {max}). Bitte nachklang inbox ausführen; das Gateway versucht es später erneut.",
    en: "{time} callback not stored ({status}): {count} messages wait to be decoded (at most {max}). Please run nachklang inbox; the Gateway will try again later.",
  },
  "inbox.serve.storeFailed": {
    de: "{time} Callback nicht gespeichert ({status}): {code}. Das Gateway versucht es später erneut.",
    en: "{time} callback not stored ({status}): {code}. The Gateway will try again later.",
  },
  // --- fetch ---
  "inbox.fetch.stored": { de: "{count} {count:Nachricht|Nachrichten} über {channel} versiegelt abgelegt.", en: "{count} {count:message|messages} via {channel} stored, sealed." },
  "inbox.fetch.nothing": { de: "Über {channel} ist nichts Neues da.", en: "Nothing new via {channel}." },
  "inbox.fetch.noSignal": {
    de: "Kein Signal-Kanal eingerichtet. Einrichten: nachklang channels add signal --account +49… --rpc-url http://127.0.0.1:8080",
    en: "No Signal channel is configured. Set one up: nachklang channels add signal --account +49… --rpc-url http://127.0.0.1:8080",
  },
  "inbox.fetch.cannotPull": {
    de: "Kanal „{channel}“ holt keine Nachrichten ab (nur Signal; Threema liefert sie an „nachklang inbox serve“).",
    en: "Channel '{channel}' does not fetch messages (only Signal does; Threema delivers them to 'nachklang inbox serve').",
  },
  "inbox.fetch.malformed": {
    de: "signal-cli unter {url} hat unverständlich geantwortet ({detail}). Bereits Abgelegtes bleibt erhalten; bitte signal-cli-Version und --receive-mode=manual prüfen.",
    en: "signal-cli at {url} answered something nachklang does not understand ({detail}). What was already stored stays; please check the signal-cli version and --receive-mode=manual.",
  },
  "inbox.fetch.tooLarge": {
    de: "signal-cli unter {url} hat eine Antwort über {limit} MiB geschickt; nachklang hat sie nicht weitergelesen. Bereits Abgelegtes bleibt erhalten; bitte prüfen, ob dort wirklich „signal-cli daemon --http“ läuft.",
    en: "signal-cli at {url} sent an answer over {limit} MiB; nachklang stopped reading it. What was already stored stays; please check that it is really 'signal-cli daemon --http' running there.",
  },
  "inbox.fetch.notAList": {
    de: "signal-cli unter {url} hat unverständlich geantwortet (keine Liste von Nachrichten). Bereits Abgelegtes bleibt erhalten; bitte signal-cli-Version und --receive-mode=manual prüfen.",
    en: "signal-cli at {url} answered something nachklang does not understand (not a list of messages). What was already stored stays; please check the signal-cli version and --receive-mode=manual.",
  },
  "inbox.fetch.entriesNotUnderstood": {
    de: "signal-cli unter {url} hat unverständlich geantwortet ({count} {count:Eintrag|Einträge} nicht lesbar, nicht abgelegt). Das Übrige ist abgelegt; bitte die signal-cli-Version prüfen.",
    en: "signal-cli at {url} answered something nachklang does not understand ({count} {count:entry|entries} unreadable, not stored). The rest is stored; please check the signal-cli version.",
  },
  "inbox.fetch.refused": {
    de: "signal-cli unter {url} hat das Abholen abgelehnt ({detail}). Läuft der Daemon mit --receive-mode=manual?",
    en: "signal-cli at {url} refused to receive ({detail}). Is the daemon running with --receive-mode=manual?",
  },
  // --- status and history ---
  "status.messageLine": {
    de: "{when}  ← {alias}  {channel}{files}  {state}",
    en: "{when}  ← {alias}  {channel}{files}  {state}",
  },
  "history.messageLine": { de: "{when}  ← {channel}{files}  {state}", en: "{when}  ← {channel}{files}  {state}" },
  "status.message.files": { de: ", {count} {count:Datei|Dateien}", en: ", {count} {count:file|files}" },
  "status.message.unread": { de: "ungelesen", en: "unread" },
  "status.message.read": { de: "gelesen {when}", en: "read {when}" },
  "status.message.replied": { de: ", beantwortet {when}", en: ", answered {when}" },
} satisfies Catalogue;

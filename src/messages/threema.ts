import type { Catalogue } from "./entry.js";

/** Lines of the Threema channel (Gateway in end-to-end mode) and `nachklang threema …`. */
export const threema = {
  "threema.config.missingOption": {
    de: "Threema: {option} fehlt. Aufruf: nachklang channels add threema --gateway-id '*ABCDEFG' --secret-file DATEI --private-key-file DATEI",
    en: "Threema: {option} is missing. Usage: nachklang channels add threema --gateway-id '*ABCDEFG' --secret-file FILE --private-key-file FILE",
  },
  "threema.config.badGatewayId": {
    de: "Threema: „{gatewayId}“ ist keine Gateway-ID (ein * und 7 Zeichen, z. B. *ABCDEFG).",
    en: "Threema: '{gatewayId}' is not a Gateway ID (a * and 7 characters, e.g. *ABCDEFG).",
  },
  "threema.config.badApiUrl": {
    de: "Threema: „{url}“ ist keine gültige https-Adresse für --api-url.",
    en: "Threema: '{url}' is not a valid https address for --api-url.",
  },
  "threema.config.badPrivateKey": {
    de: "{file}: kein privater Threema-Schlüssel. Erwartet werden 64 Hex-Zeichen, optional mit „private:“ davor.",
    en: "{file}: not a Threema private key. Expected 64 hex digits, optionally prefixed 'private:'.",
  },
  "threema.config.emptySecret": {
    de: "{file}: die Datei ist leer; sie sollte das API-Secret des Threema Gateway enthalten (--secret-file).",
    en: "{file}: the file is empty; it should hold the Threema Gateway's API secret (--secret-file).",
  },
  "threema.secretMissing": {
    de: "Kanal „{channel}“: API-Secret oder privater Schlüssel fehlt in den Kanal-Geheimnissen (secrets.age). Bitte mit „nachklang channels edit {channel} --secret-file DATEI --private-key-file DATEI“ neu angeben.",
    en: "Channel '{channel}': the API secret or private key is missing from the channel secrets (secrets.age). Please give them again with 'nachklang channels edit {channel} --secret-file FILE --private-key-file FILE'.",
  },
  "threema.credits": {
    de: "Threema Gateway {gatewayId}: Zugangsdaten gültig, {credits} Credits übrig.",
    en: "Threema Gateway {gatewayId}: credentials valid, {credits} credits left.",
  },
  "threema.keyMatchesId": {
    de: "Threema Gateway {gatewayId}: der private Schlüssel passt zur ID.",
    en: "Threema Gateway {gatewayId}: the private key belongs to this ID.",
  },
  "threema.keyNotOfId": {
    de: "Threema Gateway {gatewayId}: der private Schlüssel gehört nicht zu dieser ID. Bitte die Schlüsseldatei prüfen (die beim Beantragen der ID erzeugte).",
    en: "Threema Gateway {gatewayId}: the private key does not belong to this ID. Please check the key file (the one generated when the ID was requested).",
  },
  "threema.gateway.badRequest": {
    de: "Threema Gateway lehnt die Anfrage ab (400): Empfänger-ID ungültig oder im End-to-End-Modus nicht erlaubt. Bitte die Threema-ID von {alias} prüfen.",
    en: "The Threema Gateway refused the request (400): invalid recipient ID or not allowed in end-to-end mode. Please check the Threema ID of {alias}.",
  },
  "threema.gateway.auth": {
    de: "Threema Gateway: Gateway-ID oder API-Secret falsch (401). Bitte mit „nachklang channels add threema …“ neu hinterlegen.",
    en: "Threema Gateway: wrong Gateway ID or API secret (401). Please store them again with 'nachklang channels add threema …'.",
  },
  "threema.gateway.credits": {
    de: "Threema Gateway: keine Credits mehr (402). Bitte unter gateway.threema.ch Credits kaufen; bereits gesendete Teile werden nicht wiederholt.",
    en: "Threema Gateway: no credits left (402). Please buy credits at gateway.threema.ch; parts already sent will not be sent again.",
  },
  "threema.gateway.notFound": {
    de: "Threema Gateway: die Threema-ID von {alias} gibt es nicht (404). Bitte die ID mit der Klient:in abgleichen.",
    en: "Threema Gateway: the Threema ID of {alias} does not exist (404). Please check the ID with the client.",
  },
  "threema.gateway.tooLarge": {
    de: "Threema Gateway: zu groß (413) beim Senden an {alias}. Bitte Text kürzen oder Medien verkleinern.",
    en: "Threema Gateway: too large (413) sending to {alias}. Please shorten the text or make the media smaller.",
  },
  "threema.gateway.server": {
    de: "Threema Gateway: vorübergehender Serverfehler (500). Bitte später erneut senden; Gesendetes wird nicht wiederholt.",
    en: "Threema Gateway: temporary server error (500). Please send again later; parts already sent will not be repeated.",
  },
  "threema.gateway.serverBalance": {
    de: "Threema Gateway: vorübergehender Serverfehler (500)",
    en: "Threema Gateway: temporary server error (500)",
  },
  "threema.gateway.status": {
    de: "Threema Gateway: unerwartete Antwort (HTTP {status}) bei {endpoint}. Bitte später erneut versuchen.",
    en: "Threema Gateway: unexpected answer (HTTP {status}) to {endpoint}. Please try again later.",
  },
  "threema.gateway.answer": {
    de: "Threema Gateway: unverständliche Antwort bei {endpoint}. Bitte --api-url des Kanals prüfen.",
    en: "Threema Gateway: unreadable answer to {endpoint}. Please check the channel's --api-url.",
  },
  "threema.gateway.network": {
    de: "Threema Gateway nicht erreichbar ({endpoint}). Bitte Internetverbindung prüfen und später erneut senden.",
    en: "Threema Gateway not reachable ({endpoint}). Please check the internet connection and send again later.",
  },
  "threema.gateway.maybeDelivered": {
    de: "Threema: Verbindung brach beim Senden an {alias} ab (Teil {part}); die Nachricht kam vielleicht an. Nicht automatisch wiederholt: bitte bei der Klient:in nachfragen.",
    en: "Threema: the connection broke while sending to {alias} (part {part}); the message may have arrived. Not repeated automatically: please ask the client.",
  },
  "threema.noAddress": {
    de: "{alias} hat keine Threema-ID. Bitte mit „nachklang client edit {alias} --threema ID“ eintragen.",
    en: "{alias} has no Threema ID. Please add one with 'nachklang client edit {alias} --threema ID'.",
  },
  "threema.badKey": {
    de: "Threema: der Schlüssel für {alias} ist unbrauchbar (unsicherer Punkt niedriger Ordnung). Nichts gesendet; bitte den Schlüssel persönlich mit der Klient:in abgleichen.",
    en: "Threema: the key for {alias} is unusable (an unsafe low-order point). Nothing was sent; please compare the key with the client in person.",
  },
  "threema.keyMismatch": {
    de: "Threema: der Schlüssel von {alias} hat sich geändert (gespeichert war {pinned}). Nichts gesendet. Bitte den Fingerabdruck persönlich vergleichen (die Klient:in zeigt ihn in ihrer Threema-App im eigenen Profil), dann „nachklang threema pin {alias} --fingerprint FINGERABDRUCK“.",
    en: "Threema: the key of {alias} has changed (the pinned one was {pinned}). Nothing was sent. Please compare the fingerprint in person (the client shows it in their own Threema profile), then run 'nachklang threema pin {alias} --fingerprint FINGERPRINT'.",
  },
  "threema.noFileCapability": {
    de: "Threema: die App von {alias} kann keine Dateien empfangen (Fähigkeiten: {capabilities}). Nichts gesendet; bitte Threema aktualisieren lassen oder einen anderen Kanal wählen.",
    en: "Threema: the app of {alias} cannot receive files (capabilities: {capabilities}). Nothing was sent; please ask the client to update Threema or choose another channel.",
  },
  "threema.unreadableItem": {
    de: "Threema: {file} aus dem Nachklang für {alias} ist nicht lesbar ({reason}).",
    en: "Threema: {file} of the follow-up for {alias} cannot be read ({reason}).",
  },
  "threema.pin.done": {
    de: "Threema-Schlüssel für {alias} festgelegt, Fingerabdruck {fingerprint}.",
    en: "Threema key pinned for {alias}, fingerprint {fingerprint}.",
  },
  "threema.pin.badKey": {
    de: "Threema: „{key}“ ist kein brauchbarer öffentlicher Schlüssel (64 Hex-Zeichen, kein Punkt niedriger Ordnung).",
    en: "Threema: '{key}' is not a usable public key (64 hex digits, not a low-order point).",
  },
  "threema.pin.fingerprintMismatch": {
    de: "Threema: der Fingerabdruck passt nicht zum Schlüssel, den das Gateway für {alias} liefert. Nichts festgelegt; bitte erneut persönlich vergleichen (in der Threema-App der Klient:in: Mein Profil → Fingerabdruck).",
    en: "Threema: the fingerprint does not match the key the Gateway returns for {alias}. Nothing was pinned; please compare again in person (in the client's Threema app: My profile → fingerprint).",
  },
  "threema.pin.badFingerprint": {
    de: "Threema: „{value}“ ist kein Fingerabdruck (32 Hex-Zeichen, wie die Threema-App ihn zeigt); nichts festgelegt.",
    en: "Threema: '{value}' is not a fingerprint (32 hex digits, as the Threema app shows it); nothing was pinned.",
  },
  "threema.pin.usage": {
    de: "Bitte genau eines angeben: --key HEX (Schlüssel aus dem QR-Code) oder --fingerprint HEX (32 Hex-Zeichen aus der Threema-App).",
    en: "Please give exactly one of: --key HEX (the key from the QR code) or --fingerprint HEX (32 hex digits from the Threema app).",
  },
  "threema.channel.unknown": {
    de: "Kein Threema-Kanal „{channel}“. Bitte zuerst „nachklang channels add threema …“ ausführen.",
    en: "No Threema channel '{channel}'. Please run 'nachklang channels add threema …' first.",
  },
  "threema.receipt.recorded": {
    de: "Empfangsbestätigung von {alias}: {status} für {count} {count:Nachricht|Nachrichten}.",
    en: "Receipt from {alias}: {status} for {count} {count:message|messages}.",
  },
  "threema.receipt.badMac": {
    de: "Zeile {line}: MAC falsch; nicht vom Threema Gateway oder falsches API-Secret. Übersprungen.",
    en: "Line {line}: wrong MAC; not from the Threema Gateway or wrong API secret. Skipped.",
  },
  "threema.receipt.malformed": {
    de: "Zeile {line}: keine gültige Callback-Nachricht ({reason}). Übersprungen.",
    en: "Line {line}: not a valid callback payload ({reason}). Skipped.",
  },
  "threema.receipt.unknownSender": {
    de: "Zeile {line}: Absender ist keine bekannte Klient:in. Übersprungen.",
    en: "Line {line}: the sender is not a known client. Skipped.",
  },
  "threema.receipt.notReceipt": {
    de: "Zeile {line}: eine Nachricht von {alias}, keine Empfangsbestätigung; nachklang liest keine Inhalte. Übersprungen.",
    en: "Line {line}: a message from {alias}, not a receipt; nachklang does not read content. Skipped.",
  },
  "threema.receipt.wrongGateway": {
    de: "Zeile {line}: an eine andere Gateway-ID gerichtet. Übersprungen.",
    en: "Line {line}: addressed to another Gateway ID. Skipped.",
  },
  "threema.receipt.summary": {
    de: "{recorded} {recorded:Empfangsbestätigung|Empfangsbestätigungen} verarbeitet, {skipped} {skipped:Zeile|Zeilen} übersprungen.",
    en: "{recorded} {recorded:receipt|receipts} processed, {skipped} {skipped:line|lines} skipped.",
  },
  "threema.receipt.unknownMessages": {
    de: "Hinweis: {count} Bestätigungen gehören zu keiner Nachricht im Protokoll (Ledger) dieser Praxis; sie wurden nur angezeigt.",
    en: "Note: {count} receipts belong to no message in this practice's ledger; they were only shown.",
  },
} satisfies Catalogue;

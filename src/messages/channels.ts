import type { Catalogue } from "./entry.js";

/**
 * Lines of the Signal and Wire channels and `channels compare`. (The WhatsApp refusal,
 * `channels.whatsappRefused`, lives in core.ts with the code that raises it.)
 * Delivery lines name the client by alias only, never by phone number: failure reasons may be
 * kept in the ledger, and the ledger never holds personal data.
 */
export const channels = {
  // --- signal: configuration and health ---
  "signal.badAccount": {
    de: "„{account}“ ist keine Telefonnummer in internationaler Form. Bitte --account +49… angeben (die Nummer des Praxis-Telefons).",
    en: "'{account}' is not a phone number in international form. Please give --account +49… (the practice phone's number).",
  },
  "signal.accountRequired": {
    de: "Für Signal fehlt --account +49…: die Nummer des Praxis-Telefons, mit dem signal-cli verknüpft ist.",
    en: "Signal needs --account +49…: the number of the practice phone signal-cli is linked to.",
  },
  "signal.badRpcUrl": {
    de: "„{url}“ ist keine http(s)-Adresse. Bitte --rpc-url http://127.0.0.1:8080 angeben (die Adresse von „signal-cli daemon --http“).",
    en: "'{url}' is not an http(s) address. Please give --rpc-url http://127.0.0.1:8080 (the address of 'signal-cli daemon --http').",
  },
  "signal.daemonUp": {
    de: "signal-cli {version} antwortet unter {url}.",
    en: "signal-cli {version} answers at {url}.",
  },
  "signal.daemonUnreachable": {
    de: "signal-cli unter {url} ist nicht erreichbar ({reason}). Bitte den Dienst starten (docs/channels/signal.md) und die Adresse prüfen.",
    en: "signal-cli at {url} is not reachable ({reason}). Please start the daemon (docs/channels/signal.md) and check the address.",
  },
  "signal.accountLinked": {
    de: "Das Konto {account} ist in signal-cli eingerichtet.",
    en: "The account {account} is set up in signal-cli.",
  },
  "signal.accountMissing": {
    de: "signal-cli unter {url} kennt das Konto {account} nicht. Bitte signal-cli mit dem Praxis-Telefon verknüpfen („signal-cli link“) oder --account prüfen.",
    en: "signal-cli at {url} does not know the account {account}. Please link signal-cli to the practice phone ('signal-cli link') or check --account.",
  },
  "signal.singleAccount": {
    de: "signal-cli läuft für genau ein Konto (mit -a gestartet); nachklang kann nicht prüfen, ob es {account} ist. Empfohlen: den Dienst ohne -a starten (docs/channels/signal.md).",
    en: "signal-cli runs for a single account (started with -a); nachklang cannot confirm that it is {account}. Recommended: start the daemon without -a (docs/channels/signal.md).",
  },
  "signal.protocolError": {
    de: "signal-cli unter {url} antwortet unerwartet ({detail}). Läuft dort wirklich „signal-cli daemon --http“?",
    en: "signal-cli at {url} answers unexpectedly ({detail}). Is it really 'signal-cli daemon --http' running there?",
  },

  // --- signal: delivery ---
  "signal.noAddress": {
    de: "{alias}: keine Signal-Adresse (Telefonnummer +49…) im Eintrag. Bitte mit „nachklang client edit {alias} --phone +49…“ ergänzen; nichts gesendet.",
    en: "{alias}: no Signal address (phone number +49…) in the record. Please add one with 'nachklang client edit {alias} --phone +49…'; nothing was sent.",
  },
  "signal.unregistered": {
    de: "{alias}: diese Nummer ist bei Signal nicht registriert; nichts gesendet. Bitte die Nummer mit der Klient:in klären oder einen anderen Kanal wählen.",
    en: "{alias}: this number is not registered with Signal; nothing was sent. Please check the number with the client or choose another channel.",
  },
  "signal.identityChanged": {
    de: "{alias}: die Sicherheitsnummer der Klient:in hat sich geändert; nachklang sendet nicht. Bitte die Sicherheitsnummer persönlich oder am Telefon mit der Klient:in vergleichen, dann in signal-cli als geprüft bestätigen („trust“, siehe docs/channels/signal.md) und erneut senden.",
    en: "{alias}: the client's safety number has changed; nachklang does not send. Please compare the safety number with the client in person or by phone, then mark it verified in signal-cli ('trust', see docs/channels/signal.md) and send again.",
  },
  "signal.rateLimited": {
    de: "{alias}: Signal begrenzt gerade das Senden von diesem Konto; nichts gesendet. Frühestens in {seconds} Sekunden (etwa {minutes} {minutes:Minute|Minuten}) erneut versuchen.",
    en: "{alias}: Signal is limiting sends from this account; nothing was sent. Try again in {seconds} seconds (about {minutes} {minutes:minute|minutes}) at the earliest.",
  },
  "signal.rateLimitedNoTime": {
    de: "{alias}: Signal begrenzt gerade das Senden von diesem Konto; nichts gesendet. Bitte später erneut versuchen.",
    en: "{alias}: Signal is limiting sends from this account; nothing was sent. Please try again later.",
  },
  "signal.captchaRequired": {
    de: "{alias}: Signal verlangt ein Captcha, bevor dieses Konto wieder senden darf; nichts gesendet. Captcha unter https://signalcaptchas.org/challenge/generate.html lösen, den Link „Open Signal“ kopieren und mit der Challenge {token} an signal-cli übergeben („submitRateLimitChallenge“, siehe docs/channels/signal.md), dann erneut senden. Oder {seconds} Sekunden warten.",
    en: "{alias}: Signal asks for a captcha before this account may send again; nothing was sent. Solve it at https://signalcaptchas.org/challenge/generate.html, copy the 'Open Signal' link, submit it to signal-cli with the challenge {token} ('submitRateLimitChallenge', see docs/channels/signal.md), then send again. Or wait {seconds} seconds.",
  },
  "signal.captchaRequiredNoTime": {
    de: "{alias}: Signal verlangt ein Captcha, bevor dieses Konto wieder senden darf; nichts gesendet. Captcha unter https://signalcaptchas.org/challenge/generate.html lösen, den Link „Open Signal“ kopieren und mit der Challenge {token} an signal-cli übergeben („submitRateLimitChallenge“, siehe docs/channels/signal.md), dann erneut senden.",
    en: "{alias}: Signal asks for a captcha before this account may send again; nothing was sent. Solve it at https://signalcaptchas.org/challenge/generate.html, copy the 'Open Signal' link, submit it to signal-cli with the challenge {token} ('submitRateLimitChallenge', see docs/channels/signal.md), then send again.",
  },
  "signal.captchaRejected": {
    de: "{alias}: Signal hat das Captcha abgelehnt; nichts gesendet. Bitte ein neues Captcha unter https://signalcaptchas.org/challenge/generate.html lösen und an signal-cli übergeben („submitRateLimitChallenge“, siehe docs/channels/signal.md).",
    en: "{alias}: Signal rejected the captcha; nothing was sent. Please solve a new one at https://signalcaptchas.org/challenge/generate.html and submit it to signal-cli ('submitRateLimitChallenge', see docs/channels/signal.md).",
  },
  "signal.networkFailure": {
    de: "{alias}: signal-cli erreichte den Signal-Server nach {attempts} Versuchen nicht; nichts zugestellt. Bitte die Internetverbindung des Rechners mit signal-cli prüfen; später erneut senden ist gefahrlos.",
    en: "{alias}: signal-cli could not reach the Signal server after {attempts} attempts; nothing was delivered. Please check the internet connection of the computer running signal-cli; sending again later is safe.",
  },
  "signal.invalidPreKey": {
    de: "{alias}: die Signal-Schlüssel eines Geräts der Klient:in sind veraltet (Gerät lange offline); nichts gesendet. Bitte die Klient:in bitten, Signal zu öffnen, dann erneut senden.",
    en: "{alias}: the Signal keys of one of the client's devices are out of date (device offline for long); nothing was sent. Please ask the client to open Signal, then send again.",
  },
  "signal.refused": {
    de: "{alias}: signal-cli hat die Nachricht abgelehnt ({detail}); nichts gesendet.",
    en: "{alias}: signal-cli refused the message ({detail}); nothing was sent.",
  },
  "signal.uncertain": {
    de: "{alias}: keine eindeutige Antwort von signal-cli ({detail}); die Nachricht kann angekommen sein. Bitte auf dem Praxis-Telefon im Verlauf mit der Klient:in nachsehen, bevor erneut gesendet wird.",
    en: "{alias}: no clear answer from signal-cli ({detail}); the message may have reached the client. Please look at the conversation on the practice phone before sending again.",
  },
  "signal.unreadableItem": {
    de: "{alias}: die Datei {file} des Nachklangs ist nicht lesbar ({reason}); nichts gesendet.",
    en: "{alias}: the follow-up's file {file} cannot be read ({reason}); nothing was sent.",
  },

  // --- wire ---
  "wire.instructionsWritten": {
    de: "Anleitung für die Übergabe in Wire: {file}",
    en: "Instructions for the hand-off in Wire: {file}",
  },
  "wire.instructionsBody": {
    de: "Übergabe in Wire\n================\n\n1. In der Wire-App das Gespräch mit der Klientin oder dem Klienten öffnen.\n2. Auf die Büroklammer (Datei teilen) tippen und diese Datei anhängen:\n   {attach}\n   (sie liegt neben dieser Anleitung)\n3. Dazu schreiben, zum Beispiel:\n\n   {suggestion}\n\n4. Keine Inhalte aus der Sitzung in den Text schreiben: alles steht geschützt in der Datei.\n5. Nach dem Senden die Dateien im Übergabeordner löschen.\n",
    en: "Hand-off in Wire\n================\n\n1. In the Wire app, open the conversation with the client.\n2. Tap the paperclip (share a file) and attach this file:\n   {attach}\n   (it lies next to these instructions)\n3. Write with it, for example:\n\n   {suggestion}\n\n4. Do not write anything from the session into the text: everything is protected inside the file.\n5. After sending, delete the files in the hand-off folder.\n",
  },
  "wire.suggestionViewer": {
    de: "Hallo, hier ist Ihr Nachklang zu unserer letzten Sitzung. Bitte die angehängte Datei speichern und in einem Browser öffnen; sie fragt nach der vereinbarten Passphrase und funktioniert auch ohne Internet.",
    en: "Hello, here is your follow-up to our last session. Please save the attached file and open it in a web browser; it asks for the passphrase we agreed on and works without internet.",
  },
  "wire.suggestionBundle": {
    de: "Hallo, hier ist Ihr Nachklang zu unserer letzten Sitzung. Die angehängte Datei ist verschlüsselt; Sie öffnen sie mit age und Ihrem eigenen Schlüssel, wie besprochen.",
    en: "Hello, here is your follow-up to our last session. The attached file is encrypted; open it with age and your own key, as we discussed.",
  },

  // --- channels compare ---
  "compare.title": {
    de: "Kanäle im Vergleich",
    en: "Channels compared",
  },
  "compare.criterion": { de: "Kriterium", en: "Criterion" },
  "compare.endToEnd": { de: "Ende-zu-Ende verschlüsselt", en: "End-to-end encrypted" },
  "compare.phoneNumber": { de: "Telefonnummer nötig", en: "Phone number required" },
  "compare.addressBook": { de: "Liest das Adressbuch", en: "Reads the address book" },
  "compare.provider": { de: "Anbieter", en: "Provider" },
  "compare.basedIn": { de: "Sitz / Server", en: "Based in / servers" },
  "compare.cost": { de: "Kosten für Klient:innen", en: "Cost for the client" },
  "compare.installs": { de: "Klient:in braucht", en: "Client needs" },
  "compare.automatic": { de: "nachklang sendet selbst", en: "nachklang sends by itself" },
  "compare.metadata": { de: "Was der Anbieter sieht", en: "What the provider sees" },
  "compare.recommended": { de: "Empfohlen", en: "Recommended" },
  "compare.yes": { de: "ja", en: "yes" },
  "compare.no": { de: "nein", en: "no" },
  "compare.viewer": {
    de: "nur die Datei (age bzw. Passphrase)",
    en: "only the file (age or passphrase)",
  },
  "compare.manual": { de: "nein, Übergabe von Hand", en: "no, handed over by hand" },
  "compare.notOffered": { de: "nein: kein Kanal", en: "no: not a channel" },
  "compare.footnote": {
    de: "WhatsApp steht nur zum Vergleich hier: nachklang bietet es nicht an. Diese Angaben fließen auch in die Einwilligungsinformation.",
    en: "WhatsApp is listed for comparison only: nachklang does not offer it. The same facts feed the consent information.",
  },
} satisfies Catalogue;

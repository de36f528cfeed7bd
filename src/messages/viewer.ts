import type { Catalogue } from "./entry.js";

/** The offline viewer (page and CLI) and the e-mail channel. */
export const viewer = {
  // --- the page (bundled into the HTML; keys under viewer.page.*) ---
  "viewer.page.title": { de: "Verschlüsselte Nachricht", en: "Encrypted message" },
  "viewer.page.opened": { de: "Nachricht von {practice}", en: "Message from {practice}" },
  "viewer.page.openedUnnamed": { de: "Ihre Nachricht", en: "Your message" },
  "viewer.page.from": { de: "Eine verschlüsselte Nachricht", en: "An encrypted message" },
  "viewer.page.fingerprint": {
    de: "Signiert mit dem Schlüssel mit dem Fingerabdruck {fingerprint} – vergleichen Sie ihn mit dem auf Ihrer Datenschutz-Information.",
    en: "Signed with the key whose fingerprint is {fingerprint} – compare it with the one on your consent information.",
  },
  "viewer.page.intro": {
    de: "Bitte die vereinbarte Passphrase eingeben. Alles bleibt auf diesem Gerät; nichts wird irgendwohin gesendet.",
    en: "Please enter the passphrase you agreed on. Everything stays on this device; nothing is sent anywhere.",
  },
  "viewer.page.label": { de: "Passphrase", en: "Passphrase" },
  "viewer.page.open": { de: "Öffnen", en: "Open" },
  "viewer.page.show": { de: "Passphrase anzeigen", en: "Show passphrase" },
  "viewer.page.opening": { de: "Wird geöffnet … das dauert ein paar Sekunden.", en: "Opening … this takes a few seconds." },
  "viewer.page.wrong": {
    de: "Diese Passphrase passt nicht. Bitte prüfen und noch einmal versuchen.",
    en: "This passphrase does not fit. Please check it and try again.",
  },
  "viewer.page.refused": {
    de: "Diese Datei wurde nach dem Versand verändert oder ist beschädigt; deshalb wird nichts angezeigt. Bitte die Praxis um eine neue Zusendung bitten.",
    en: "This file was changed or damaged after it was sent, so nothing is shown. Please ask the practice to send it again.",
  },
  "viewer.page.verified": {
    de: "Von {practice}, Unterschrift geprüft (Schlüssel {keyId}, Fingerabdruck {fingerprint}), {date}",
    en: "From {practice}, signature verified (key {keyId}, fingerprint {fingerprint}), {date}",
  },
  "viewer.page.verifiedUnnamed": {
    de: "Unterschrift geprüft (Schlüssel {keyId}, Fingerabdruck {fingerprint}), {date}",
    en: "Signature verified (key {keyId}, fingerprint {fingerprint}), {date}",
  },
  "viewer.page.save": { de: "{name} speichern", en: "Save {name}" },
  "viewer.page.notStarted": {
    de: "Bleibt dieser Text stehen, konnte die Seite nicht starten: JavaScript ist ausgeschaltet, oder die Datei wurde nach dem Versand verändert. Bitte JavaScript erlauben oder die Praxis um eine neue Zusendung bitten.",
    en: "If this text stays, the page could not start: JavaScript is off, or the file was changed after it was sent. Please allow JavaScript or ask the practice to send it again.",
  },
  "viewer.page.noscript": {
    de: "Zum Entschlüsseln braucht diese Seite JavaScript. Sie lädt nichts aus dem Internet.",
    en: "This page needs JavaScript to decrypt the message. It loads nothing from the internet.",
  },

  // --- CLI ---
  "viewer.written": { de: "Viewer für {alias} geschrieben: {file} ({size} MB).", en: "Viewer for {alias} written to {file} ({size} MB)." },
  "viewer.large": {
    de: "Der Viewer ist {size} MB groß; viele E-Mail-Anbieter nehmen Anhänge über 20 MB nicht an.",
    en: "The viewer is {size} MB; many e-mail providers refuse attachments above 20 MB.",
  },
  "viewer.tooLarge": {
    de: "Der Viewer würde {size} MB groß, mehr als die Grenze von {limit} MB (Einstellung viewerLimitMB). Bitte über einen Messenger-Kanal senden oder weniger bzw. kleinere Dateien beilegen.",
    en: "The viewer would be {size} MB, above the limit of {limit} MB (setting viewerLimitMB). Please send it through a messenger channel, or with fewer or smaller items.",
  },
  "viewer.noPassphrase": {
    de: "Für {alias} ist keine Viewer-Passphrase hinterlegt. Bitte mit „nachklang client passphrase {alias} --generate“ eine hinterlegen (oder mit --viewer-passphrase-file DATEI eine mit der Klient:in vereinbarte).",
    en: "No viewer passphrase is stored for {alias}. Please store one with 'nachklang client passphrase {alias} --generate' (or --viewer-passphrase-file FILE for one agreed with the client).",
  },
  "viewer.passphraseChoice": {
    de: "Bitte genau eines angeben: --viewer-passphrase-file DATEI oder {generate}.",
    en: "Please give exactly one of --viewer-passphrase-file FILE and {generate}.",
  },
  "viewer.passphraseShort": {
    de: "{file}: die Passphrase ist zu kurz (mindestens {min} Zeichen). Sicherer ist eine erzeugte: {generate}.",
    en: "{file}: the passphrase is too short (at least {min} characters). A generated one is safer: {generate}.",
  },
  "viewer.passphraseGenerated": {
    de: "Neue Viewer-Passphrase für {alias} (wird nur jetzt angezeigt; bitte persönlich weitergeben): {passphrase}",
    en: "New viewer passphrase for {alias} (shown only now; please pass it on in person): {passphrase}",
  },
  "viewer.passphraseStored": { de: "Viewer-Passphrase für {alias} verschlüsselt gespeichert.", en: "Viewer passphrase for {alias} stored (encrypted)." },

  // --- e-mail channel ---
  "email.subject": { de: "Verschlüsselte Nachricht von {practice}", en: "Encrypted message from {practice}" },
  "email.body": {
    de: "Guten Tag,\n\nSie haben eine verschlüsselte Nachricht von {practice} erhalten. Bitte öffnen Sie die angehängte Datei {file} in einem Browser (das geht auch ohne Internet) und geben Sie die vereinbarte Passphrase ein.\n\nDiese E-Mail selbst enthält keine Inhalte.",
    en: "Hello,\n\nyou have received an encrypted message from {practice}. Please open the attached file {file} in a browser (this works offline too) and enter the passphrase you agreed on.\n\nThis e-mail itself contains no content.",
  },
  "email.ready": {
    de: "SMTP-Server {host}:{port} erreichbar ({security}), Anmeldung als {user} angenommen.",
    en: "SMTP server {host}:{port} reachable ({security}), login as {user} accepted.",
  },
  "email.unreachable": {
    de: "SMTP-Server {host}:{port} nicht erreichbar: {reason}. Bitte Host, Port und Netz prüfen.",
    en: "SMTP server {host}:{port} not reachable: {reason}. Please check host, port and network.",
  },
  "email.loginRefused": {
    de: "SMTP-Anmeldung bei {host} als {user} abgelehnt: {reason}. Bitte Benutzer und Passwort prüfen (channels add email … --password-file DATEI).",
    en: "SMTP login at {host} as {user} refused: {reason}. Please check user and password (channels add email … --password-file FILE).",
  },
  "email.noTls": {
    de: "SMTP-Server {host}:{port} bietet keine sichere Verbindung ({reason}); nachklang sendet nichts unverschlüsselt. Bitte Port 465 (TLS) oder 587 (STARTTLS) verwenden.",
    en: "SMTP server {host}:{port} offers no secure connection ({reason}); nachklang sends nothing unencrypted. Please use port 465 (TLS) or 587 (STARTTLS).",
  },
  "email.tlsFailed": {
    de: "Sichere Verbindung zu {host}:{port} fehlgeschlagen: {reason}. Bitte Hostnamen und Zertifikat des Servers prüfen; nachklang sendet nichts über ungeprüfte Verbindungen.",
    en: "Secure connection to {host}:{port} failed: {reason}. Please check the host name and the server's certificate; nachklang sends nothing over unverified connections.",
  },
  "email.config.emptyPassword": {
    de: "{file}: die Datei ist leer; sie sollte das Passwort für den Mailserver enthalten (--password-file).",
    en: "{file}: the file is empty; it should hold the password for the mail server (--password-file).",
  },
  "email.badHost": {
    de: "--host erwartet den Namen oder die Adresse des Mailservers (z. B. smtp.example.org), nicht „{value}“.",
    en: "--host expects the mail server's name or address (e.g. smtp.example.org), not '{value}'.",
  },
  "email.badFrom": {
    de: "--from erwartet eine Absenderadresse, z. B. praxis@example.org oder „Praxis Beispiel <praxis@example.org>“, nicht „{value}“.",
    en: "--from expects a sender address, e.g. praxis@example.org or 'Praxis Beispiel <praxis@example.org>', not '{value}'.",
  },
  "email.badPort": {
    de: "--port erwartet eine Portnummer von 1 bis 65535 (465 TLS, 587 STARTTLS), nicht „{value}“.",
    en: "--port expects a port number from 1 to 65535 (465 TLS, 587 STARTTLS), not '{value}'.",
  },
  "email.badAttachmentMb": {
    de: "--max-attachment-mb erwartet eine Größe in MB über 0 und höchstens 1000, nicht „{value}“.",
    en: "--max-attachment-mb expects a size in MB above 0 and at most 1000, not '{value}'.",
  },
  "email.noPassword": {
    de: "Kanal {name}: kein SMTP-Passwort in den Kanal-Geheimnissen (secrets.age). Bitte mit „nachklang channels edit {name} --password-file DATEI“ angeben.",
    en: "Channel {name}: no SMTP password in the channel secrets (secrets.age). Please give it with 'nachklang channels edit {name} --password-file FILE'.",
  },
  "email.insecure": {
    de: "E-Mail ohne TLS oder STARTTLS ist nur an localhost erlaubt ({host}). Bitte Port 465 (TLS) oder 587 (STARTTLS) verwenden.",
    en: "E-mail without TLS or STARTTLS is only allowed to localhost ({host}). Please use port 465 (TLS) or 587 (STARTTLS).",
  },
  "email.noAddress": {
    de: "Für {alias} ist keine E-Mail-Adresse hinterlegt. Bitte mit „nachklang client edit {alias} --email ADRESSE“ ergänzen.",
    en: "No e-mail address for {alias}. Please add one with 'nachklang client edit {alias} --email ADDRESS'.",
  },
  "email.noViewer": {
    de: "E-Mail an {alias}: es wurde kein Viewer erzeugt; die E-Mail trägt nur den Viewer. Bitte erneut senden.",
    en: "E-mail to {alias}: no viewer was made; the e-mail carries only the viewer. Please send again.",
  },
  "email.failed": {
    de: "E-Mail an {alias} nicht gesendet: {reason}.",
    en: "E-mail to {alias} not sent: {reason}.",
  },
  "email.rejected": {
    de: "E-Mail an {alias} vom Server abgelehnt: {reason}. Bitte die Adresse prüfen.",
    en: "E-mail to {alias} refused by the server: {reason}. Please check the address.",
  },
} satisfies Catalogue;

import type { Catalogue } from "./entry.js";

/** Lines of trust: opening and verifying bundles, the signer, damaged home files, weak keyrings, transport. */
export const trust = {
  "bundle.formatOne": {
    de: "{file}: dieses Paket wurde von einer früheren nachklang-Version versiegelt (Format 1: Inhalte vor der Signatur) und kann nicht geprüft werden, bevor etwas geschrieben wird; abgelehnt, nichts geschrieben. Bitte die Praxis, es neu zu senden.",
    en: "{file}: this bundle was sealed by an earlier nachklang (format 1: contents before the signature) and cannot be checked before anything is written; refused, nothing was written. Please ask the practice to send it again.",
  },
  "bundle.newerFormat": {
    de: "{file}: dieses Paket hat Format {version} einer neueren nachklang-Version; bitte nachklang aktualisieren. Nichts geschrieben.",
    en: "{file}: this bundle uses format {version} of a newer nachklang; please update nachklang. Nothing was written.",
  },
  "bundle.notFirst": {
    de: "{file}: das Paket beginnt nicht mit Manifest und Signatur; abgelehnt, nichts geschrieben.",
    en: "{file}: the bundle does not begin with its manifest and signature; refused, nothing was written.",
  },
  "bundle.keyClaimMismatch": {
    de: "{file}: das Manifest nennt einen anderen Signaturschlüssel als den, der es signiert hat; abgelehnt, nichts geschrieben.",
    en: "{file}: the manifest names a different signing key than the one that signed it; refused, nothing was written.",
  },
  "bundle.totalTooLarge": {
    de: "{file}: das signierte Manifest nennt {items} Teile mit zusammen {mb} MB, mehr als nachklang öffnet; abgelehnt, nichts geschrieben.",
    en: "{file}: the signed manifest declares {items} items with {mb} MB in all, more than nachklang opens; refused, nothing was written.",
  },
  "bundle.missingEntry": {
    de: "{file}: „{entry}“ steht im signierten Manifest, fehlt aber im Paket; abgelehnt, nichts geschrieben.",
    en: "{file}: '{entry}' is listed in the signed manifest but missing from the bundle; refused, nothing was written.",
  },
  "bundle.notABundle": {
    de: "{file}: richtig entschlüsselt, aber der Inhalt ist kein gültiges nachklang-Paket (fehlerhaftes tar); abgelehnt, nichts geschrieben.",
    en: "{file}: decrypted correctly, but the content is not a valid nachklang bundle (a broken tar); refused, nothing was written.",
  },
  "bundle.trailingData": {
    de: "{file}: nach dem Ende des Pakets folgen weitere Daten; abgelehnt, nichts geschrieben.",
    en: "{file}: there is more data after the end of the bundle; refused, nothing was written.",
  },
  "bundle.extendedHeader": {
    de: "{file}: das Paket enthält einen erweiterten tar-Kopf („{entry}“), den nachklang weder schreibt noch liest; abgelehnt, nichts geschrieben.",
    en: "{file}: the bundle contains a tar extended header ('{entry}'), which nachklang neither writes nor reads; refused, nothing was written.",
  },
  "open.needSigner": {
    de: "{file}: zum Öffnen mit --identity bitte den Signaturschlüssel der Praxis angeben: --signer praxis.pub oder --signer-fingerprint XXXX … (die Praxis zeigt ihn mit „nachklang keys show“; er steht auf der Datenschutz-Information). Nichts geöffnet.",
    en: "{file}: opening with --identity needs the practice's signing key: --signer practice.pub or --signer-fingerprint XXXX … (the practice shows it with 'nachklang keys show'; it is on the consent information). Nothing was opened.",
  },
  "open.badFingerprint": {
    de: "„{value}“ ist kein Fingerabdruck eines Signaturschlüssels: 64 Hex-Ziffern, wie „nachklang keys show“ sie zeigt.",
    en: "'{value}' is not a signer fingerprint: 64 hex digits, as 'nachklang keys show' prints them.",
  },
  "open.signerChoice": {
    de: "Bitte nur eines angeben: --signer oder --signer-fingerprint.",
    en: "Please give only one of --signer and --signer-fingerprint.",
  },
  "open.signedByKey": {
    de: "Signiert mit Schlüssel {keyId} (Fingerabdruck {fingerprint}) am {created}; Signatur und alle Prüfsummen gültig.",
    en: "Signed with key {keyId} (fingerprint {fingerprint}) on {created}; signature and all checksums valid.",
  },
  "open.sealedForOpener": {
    de: "Für diesen Schlüssel versiegelt.",
    en: "Sealed for this key.",
  },
  "open.forwarded": {
    de: "Weitergeleitet: das Paket wurde nicht für diesen Schlüssel versiegelt; jemand, der es öffnen konnte, hat es neu verschlüsselt. Die Signatur ist trotzdem die der Praxis.",
    en: "Forwarded: this bundle was not sealed for this key; someone who could open it encrypted it again. The signature is still the practice's.",
  },
  "keys.fingerprint": {
    de: "Fingerabdruck:    {fingerprint}",
    en: "Fingerprint:      {fingerprint}",
  },
  "keys.strengthened": {
    de: "{file}: der Schlüsselbund ist jetzt mit Arbeitsfaktor {logN} geschützt.",
    en: "{file}: the keyring is now protected with work factor {logN}.",
  },
  "keyring.weak": {
    de: "Warnung: {file} ist nur mit Arbeitsfaktor {logN} geschützt (Standard 18); wer die Datei kopiert, kann die Passphrase viel schneller raten. „nachklang keys strengthen“ behebt das.",
    en: "Warning: {file} is protected with work factor {logN} only (default 18); whoever copies it can guess the passphrase much faster. 'nachklang keys strengthen' fixes it.",
  },
  "outbox.metaDamaged": {
    de: "{file}: die Angaben zu diesem wartenden Nachklang sind beschädigt (Prüfung fehlgeschlagen); nichts gesendet. Bitte aus der Sicherung wiederherstellen oder mit „nachklang outbox cancel“ zurückziehen und neu senden.",
    en: "{file}: the details of this waiting follow-up are damaged (they fail their integrity check); nothing was sent. Please restore them from a backup, or withdraw it with 'nachklang outbox cancel' and send it again.",
  },
  "clients.damaged": {
    de: "{file}: die Klientenliste ist beschädigt (Prüfung fehlgeschlagen). Bitte aus der Sicherung wiederherstellen; nichts geändert.",
    en: "{file}: the client registry is damaged (it fails its integrity check). Please restore it from a backup; nothing was changed.",
  },
  "config.damaged": {
    de: "{file}: die Konfiguration ist beschädigt ({reason}). Bitte aus der Sicherung wiederherstellen oder das JSON von Hand reparieren; nichts geändert.",
    en: "{file}: the configuration is damaged ({reason}). Please restore it from a backup or repair the JSON by hand; nothing was changed.",
  },
  "ledger.damaged": {
    de: "{file}: Zeile {line} des Protokolls ist beschädigt. Bitte das Protokoll aus der Sicherung wiederherstellen; nichts gesendet oder geändert.",
    en: "{file}: line {line} of the ledger is damaged. Please restore the ledger from a backup; nothing was sent or changed.",
  },
  "note.tooLarge": {
    de: "{file}: die Notiz ist {kb} KiB groß; erlaubt sind höchstens {max} KiB. Bitte kürzen.",
    en: "{file}: the note is {kb} KiB; a note may be at most {max} KiB. Please shorten it.",
  },
  "note.empty": {
    de: "{file}: die Notiz ist leer; nichts getan. Bitte die Notiz in die Datei schreiben (und speichern) oder --note-file weglassen.",
    en: "{file}: the note is empty; nothing was done. Please write the note into the file (and save it), or leave --note-file out.",
  },
  "note.notText": {
    de: "{file}: keine Textdatei (kein gültiger UTF-8-Text); --note-file nimmt die Notiz als reinen Text.",
    en: "{file}: not a text file (not valid UTF-8 text); --note-file takes the note as plain text.",
  },
  "note.controlCharacters": {
    de: "{file}: enthält Steuerzeichen (z. B. ein Null-Byte), die in einer Notiz nichts zu suchen haben; --note-file nimmt die Notiz als reinen Text (Zeilenumbrüche und Tabulatoren sind erlaubt).",
    en: "{file}: holds control characters (a NUL byte, for one) that have no place in a note; --note-file takes the note as plain text (line breaks and tabs are fine).",
  },
  "channel.certificatesUnchecked": {
    de: "{channel}: NODE_TLS_REJECT_UNAUTHORIZED=0 ist gesetzt und schaltet die Prüfung der Server-Zertifikate ab; nachklang sendet so nichts (Zugangsdaten und Nachklänge gingen an wen auch immer antwortet). Bitte die Variable entfernen; einem eigenen Testserver vertrauen Sie mit NODE_EXTRA_CA_CERTS=DATEI.",
    en: "{channel}: NODE_TLS_REJECT_UNAUTHORIZED=0 is set and turns off the check of server certificates; nachklang sends nothing like this (credentials and follow-ups would go to whoever answers). Please unset it; to trust a test server of your own, use NODE_EXTRA_CA_CERTS=FILE.",
  },
  "channel.urlCarriesSecrets": {
    de: "„{url}“ mit Benutzername, Passwort, Query (?…) oder Fragment (#…): {channel} braucht keines davon in der Adresse, und die Adresse steht unverschlüsselt in config.json. Bitte die Adresse ohne sie angeben; nichts gespeichert.",
    en: "'{url}' with a user name, password, query (?…) or fragment (#…): {channel} needs none of them in its address, and the address is stored unencrypted in config.json. Please give the address without them; nothing was stored.",
  },
  "channel.insecureUrl": {
    de: "„{url}“: {channel} ist nur über https erreichbar (http nur auf diesem Rechner: localhost, 127.0.0.1, ::1); sonst gingen Nachklänge und Zugangsdaten unverschlüsselt über das Netz.",
    en: "'{url}': {channel} must be reached over https (http only on this machine: localhost, 127.0.0.1, ::1); otherwise follow-ups and credentials would cross the network unencrypted.",
  },
  "doctor.keyringStrong": {
    de: "Schlüsselbund {file}: verschlüsselt, Arbeitsfaktor {logN}.",
    en: "Keyring {file}: encrypted, work factor {logN}.",
  },
  "doctor.keyringWeak": {
    de: "Schlüsselbund {file}: Arbeitsfaktor {logN} liegt unter dem Standard 18; „nachklang keys strengthen“ behebt das.",
    en: "Keyring {file}: work factor {logN} is below the default 18; 'nachklang keys strengthen' fixes it.",
  },
  "doctor.keyringUnreadable": {
    de: "Schlüsselbund {file}: keine mit Passphrase verschlüsselte age-Datei; bitte aus der Sicherung wiederherstellen.",
    en: "Keyring {file}: not a passphrase-encrypted age file; please restore it from a backup.",
  },
  "doctor.keyringUnlocked": {
    de: "Schlüsselbund {file}: mit der Passphrase geöffnet und unversehrt.",
    en: "Keyring {file}: opened with the passphrase and intact.",
  },
  "doctor.clientsOk": {
    de: "Klientenliste {file}: unversehrt.",
    en: "Client registry {file}: intact.",
  },
  "doctor.clientsHeader": {
    de: "Klientenliste {file}: verschlüsselt (ohne Passphrase nur der Kopf geprüft).",
    en: "Client registry {file}: encrypted (without a passphrase only its header was checked).",
  },
  "doctor.consentDoubt": {
    de: "{alias}: Einwilligung mit unmöglichem Datum ({records}). Bitte mit dem richtigen Tag neu erfassen: nachklang consent record {alias} --channel TYP --date JJJJ-MM-TT (und, wo widerrufen, consent withdraw {alias} --channel TYP --date JJJJ-MM-TT); der alte Eintrag bleibt als Verlauf.",
    en: "{alias}: consent with an impossible day ({records}). Record it again with the right day: nachklang consent record {alias} --channel TYPE --date YYYY-MM-DD (and, where withdrawn, consent withdraw {alias} --channel TYPE --date YYYY-MM-DD); the old record stays as history.",
  },
  "doctor.consentDoubt.given": {
    de: "{channel} erteilt {date}, vor dem {earliest}",
    en: "{channel} given {date}, before {earliest}",
  },
  "doctor.consentDoubt.withdrawn": {
    de: "{channel} widerrufen {withdrawn}, erteilt {date}",
    en: "{channel} withdrawn {withdrawn}, given {date}",
  },
  "doctor.configOk": { de: "Konfiguration {file}: lesbar.", en: "Configuration {file}: readable." },
  "doctor.ledgerOk": {
    de: "Protokoll {file}: {count} {count:Eintrag|Einträge}, alle lesbar.",
    en: "Ledger {file}: {count} {count:entry|entries}, all readable.",
  },
  "doctor.ledgerNewer": {
    de: "Protokoll {file}: {count} {count:Eintrag|Einträge} einer neueren nachklang-Version, die diese Version nicht kennt und überspringt; bitte wieder die neuere Version verwenden.",
    en: "Ledger {file}: {count} {count:entry|entries} from a newer version of nachklang, which this version does not know and skips; please use the newer version again.",
  },
  "doctor.damaged": { de: "{line}", en: "{line}" },
  "doctor.stagingListed": {
    de: "{count} {count:Zwischenablage|Zwischenablagen} abgebrochener Läufe {count:ist|sind} vermerkt; der nächste Befehl, der die Praxis entsperrt, räumt sie auf.",
    en: "{count} {count:staging place|staging places} of interrupted runs {count:is|are} listed; the next command that unlocks the practice removes what is left there.",
  },
} satisfies Catalogue;

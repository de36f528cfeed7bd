import type { Catalogue } from "./entry.js";

/** Lines of the spine: CLI, practice, keyring, clients, bundles, folder channel, doctor, demo. */
export const core = {
  "cli.internal": {
    de: "Interner Fehler: {message}. Bitte mit --debug wiederholen und den Fehler melden.",
    en: "Internal error: {message}. Please run again with --debug and report it.",
  },
  "cli.usage": {
    de: "Aufruf fehlerhaft: {message}. „nachklang --help“ zeigt alle Befehle.",
    en: "Usage error: {message}. 'nachklang --help' lists all commands.",
  },
  "cli.unknownCommand": {
    de: "Unbekannter Befehl „{command}“. „nachklang --help“ zeigt alle Befehle.",
    en: "Unknown command '{command}'. 'nachklang --help' lists all commands.",
  },
  "cli.unknownOption": {
    de: "Unbekannte Option „{option}“. „{help}“ zeigt die Optionen.",
    en: "Unknown option '{option}'. '{help}' shows the options.",
  },
  "cli.missingArgument": {
    de: "Es fehlt die Angabe „{argument}“. „{help}“ zeigt, was nötig ist.",
    en: "Missing argument '{argument}'. '{help}' shows what is needed.",
  },
  "cli.missingOption": {
    de: "Die Option „{option}“ fehlt oder hat keinen Wert.",
    en: "The option '{option}' is missing or has no value.",
  },
  "cli.badChoice": {
    de: "„{value}“ ist für {option} nicht möglich; möglich sind: {choices}.",
    en: "'{value}' is not possible for {option}; the choices are: {choices}.",
  },
  "cli.excessArguments": {
    de: "Zu viele Angaben. „{help}“ zeigt den Aufruf.",
    en: "Too many arguments. '{help}' shows the usage.",
  },
  "cli.interrupted": { de: "Abgebrochen.", en: "Interrupted." },
  "cli.badLang": { de: "Unbekannte Sprache „{lang}“: bitte de oder en.", en: "Unknown language '{lang}': use de or en." },
  "file.missing": {
    de: "{file}: Datei nicht gefunden. Bitte den Pfad prüfen.",
    en: "{file}: file not found. Please check the path.",
  },
  "file.notUtf8": {
    de: "{file}: kein UTF-8-Text (eine Tabelle z. B. als „CSV UTF-8“ speichern); nichts verarbeitet.",
    en: "{file}: not UTF-8 text (save a spreadsheet e.g. as 'CSV UTF-8'); nothing was processed.",
  },
  "file.unreadable": {
    de: "{file}: nicht lesbar ({reason}).",
    en: "{file}: cannot be read ({reason}).",
  },
  "option.emptyPlace": {
    de: "{option} ist leer; nichts getan. Bitte die Datei oder den Ordner angeben.",
    en: "{option} is empty; nothing was done. Please name the file or folder.",
  },
  "file.folderNotFile": {
    de: "{file} ist ein Ordner, keine Datei. Bitte die Datei selbst angeben.",
    en: "{file} is a folder, not a file. Please name the file itself.",
  },
  "file.unwritable": {
    de: "{file}: kann hier nicht geschrieben werden ({reason}); nichts geschrieben. Bitte Pfad und Rechte prüfen oder einen anderen Ort angeben.",
    en: "{file}: cannot be written there ({reason}); nothing was written. Please check the path and permissions, or name another place.",
  },
  "file.noSpace": {
    de: "{file}: der Datenträger ist voll; nichts geschrieben. Bitte dort Platz schaffen (oder einen anderen Ort wählen) und es erneut versuchen.",
    en: "{file}: the disk is full; nothing was written. Please free some space there (or choose another place) and try again.",
  },
  "file.systemRefused": {
    de: "Der Befehl wurde abgebrochen: eine Datei konnte nicht geschrieben werden ({reason}: Datenträger voll oder nur lesbar). Bitte Platz schaffen bzw. den Ordner beschreibbar machen und es erneut versuchen.",
    en: "The command stopped: a file could not be written ({reason}: the disk is full or read-only). Please free some space or make the folder writable, and try again.",
  },
  "file.changed": {
    de: "{file} hat sich während des Versiegelns geändert; nichts geschrieben. Bitte erneut versuchen, wenn die Datei fertig ist.",
    en: "{file} changed while it was being sealed; nothing was written. Please try again once the file is complete.",
  },
  "file.notRegular": {
    de: "{file}: keine gewöhnliche Datei (Ordner, Gerät oder Pipe); nur Dateien können versiegelt werden.",
    en: "{file}: not a regular file (a folder, device or pipe); only files can be sealed.",
  },
  "file.secretNotRegular": {
    de: "{file}: weder Datei noch Pipe (ein Gerät); nichts gelesen. Bitte die Datei mit dem Geheimnis angeben.",
    en: "{file}: neither a file nor a pipe (a device); nothing was read. Please name the file that holds the secret.",
  },
  "file.secretEmpty": {
    de: "{file}: die Datei mit dem Geheimnis ist leer. Bitte die Datei angeben, die das Geheimnis enthält.",
    en: "{file}: the secret file is empty. Please name the file that holds the secret.",
  },
  "file.secretPipeSilent": {
    de: "{file}: durch die Pipe kam zwei Minuten lang nichts; nichts gelesen. Bitte das Geheimnis in die Pipe schreiben oder eine Datei angeben.",
    en: "{file}: nothing came through the pipe for two minutes; nothing was read. Please write the secret into the pipe or name a file.",
  },
  "file.stdinTwice": {
    de: "{first} {firstFile} und {second} {secondFile} lesen beide die Standardeingabe, die sich nur einmal lesen lässt; nichts gelesen, nichts geändert. Bitte für eine der beiden eine Datei angeben oder einen eigenen Dateideskriptor (z. B. {second} <(pass show …)).",
    en: "{first} {firstFile} and {second} {secondFile} both read standard input, which can be read only once; nothing was read or changed. Please give one of them a file or a file descriptor of its own (e.g. {second} <(pass show …)).",
  },
  "file.notRegularRead": {
    de: "{file} ist keine gewöhnliche Datei (ein Gerät oder eine Pipe); nichts gelesen. Bitte die Datei selbst angeben.",
    en: "{file} is not a regular file (a device or a pipe); nothing was read. Please name the file itself.",
  },
  "file.device": {
    de: "{file} ist ein Gerät, keine Datei; nichts gelesen. Bitte die Datei selbst angeben.",
    en: "{file} is a device, not a file; nothing was read. Please name the file itself.",
  },
  "file.tooLarge": {
    de: "{file} ist größer als {max}; nichts verarbeitet. Bitte die richtige Datei angeben.",
    en: "{file} is larger than {max}; nothing was processed. Please name the right file.",
  },
  "file.secretTooLarge": {
    de: "{file}: größer als {max}, zu groß für eine Passphrase oder einen Schlüssel; nichts gelesen. Bitte die richtige Datei angeben.",
    en: "{file}: larger than {max}, too large for a passphrase or key; nothing was read. Please name the right file.",
  },
  "file.exists": {
    de: "{file} existiert bereits; nichts überschrieben. Bitte einen anderen Namen wählen.",
    en: "{file} already exists; nothing was overwritten. Please choose another name.",
  },
  "passphrase.prompt": { de: "Passphrase", en: "Passphrase" },
  "passphrase.repeat": { de: "Passphrase wiederholen", en: "Repeat passphrase" },
  "passphrase.short": {
    de: "Die Passphrase der Praxis braucht mindestens {min} Zeichen (ein paar Wörter merken sich leicht: „apfel wolke tisch garten“); nichts angelegt.",
    en: "The practice's passphrase needs at least {min} characters (a few words are easy to remember: 'apple cloud table garden'); nothing was created.",
  },
  "passphrase.mismatch": { de: "Die Passphrasen stimmen nicht überein; nichts angelegt.", en: "The passphrases do not match; nothing was created." },
  "passphrase.empty": { de: "{file}: die Passphrase-Datei ist leer.", en: "{file}: the passphrase file is empty." },
  "passphrase.none": {
    de: "Keine Passphrase für den Schlüsselbund: bitte --passphrase-file DATEI oder NACHKLANG_PASSPHRASE verwenden, oder im Terminal aufrufen.",
    en: "No passphrase for the keyring: use --passphrase-file FILE or NACHKLANG_PASSPHRASE, or run in a terminal.",
  },
  "folder.ready": { de: "Übergabeordner {folder} ist beschreibbar.", en: "Hand-off folder {folder} is writable." },
  "folder.emptyPath": {
    de: "--path ist leer; nichts eingerichtet. Bitte den Ordner für die Übergabe angeben.",
    en: "--path is empty; nothing was configured. Please name the folder for the hand-off.",
  },
  "folder.notAFolder": {
    de: "{folder} ist kein Ordner (eine Datei oder ein Gerät); nichts eingerichtet. Bitte einen Ordner für die Übergabe angeben (gibt es ihn noch nicht, wird er bei der ersten Zustellung angelegt).",
    en: "{folder} is not a folder (a file or a device); nothing was configured. Please name a folder for the hand-off (one that does not exist yet is created at the first delivery).",
  },
  "folder.notWritable": {
    de: "Übergabeordner {folder} ist nicht beschreibbar; bitte Pfad und Rechte prüfen.",
    en: "Hand-off folder {folder} is not writable; please check the path and permissions.",
  },
  "practice.blankName": {
    de: "--name „{name}“ ist leer; bitte den Namen der Praxis angeben (er steht unter jedem Nachklang), z. B. --name \"Praxis Beispiel\", oder --name weglassen.",
    en: "--name '{name}' is blank; please give the practice's name (it signs every follow-up), e.g. --name \"Praxis Beispiel\", or leave --name out.",
  },
  "practice.exists": {
    de: "Hier gibt es schon eine Praxis ({file}); nichts überschrieben.",
    en: "A practice already exists here ({file}); nothing was overwritten.",
  },
  "practice.busy": {
    de: "Ein anderer nachklang-Befehl ändert gerade die Praxis ({home}) und ist seit einer Minute nicht fertig; nichts geändert. Bitte gleich erneut versuchen.",
    en: "Another nachklang command is changing the practice ({home}) and has not finished for a minute; nothing was changed. Please try again shortly.",
  },
  "practice.missing": {
    de: "Keine Praxis gefunden ({file}). Bitte zuerst „nachklang init“ ausführen oder --home prüfen.",
    en: "No practice found ({file}). Please run 'nachklang init' first or check --home.",
  },
  "practice.damaged": {
    de: "{file}: der Schlüsselbund ist beschädigt (Prüfung fehlgeschlagen). Bitte aus der Sicherung wiederherstellen.",
    en: "{file}: the keyring is damaged (it fails its integrity check). Please restore it from a backup.",
  },
  "passphrase.wrong": {
    de: "Falsche Passphrase für {file}, oder der Schlüsselbund ist beschädigt. Bitte erneut versuchen; stimmt die Passphrase, den Schlüsselbund aus der Sicherung wiederherstellen.",
    en: "Wrong passphrase for {file}, or the keyring is damaged. Please try again; if the passphrase is right, restore the keyring from a backup.",
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
  "bundle.noSpace": {
    de: "{file}: die Inhalte brauchen {mb} MB, und {reserve} MB bleiben auf dem Datenträger frei; hier sind nur {free} MB frei. Nichts geschrieben. Bitte Platz schaffen oder mit --out woanders öffnen.",
    en: "{file}: the contents need {mb} MB, and {reserve} MB stay free on the disk; only {free} MB are free here. Nothing was written. Please free some space or open elsewhere with --out.",
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
  "channels.whatsappRefused": {
    de: "WhatsApp wird nicht unterstützt: Berufskammern und Datenschutzaufsicht raten davon ab, Gesundheitsdaten darüber auszutauschen (Metadaten und Adressbuch gehen an Meta). Bitte Threema, Signal, Wire, E-Mail mit Offline-Ansicht oder den Übergabeordner verwenden.",
    en: "WhatsApp is not supported: professional chambers and data protection authorities advise against exchanging health data over it (metadata and the address book go to Meta). Please use Threema, Signal, Wire, e-mail with the offline viewer, or the hand-off folder.",
  },
  "channel.unknownType": {
    de: "Unbekannter Kanaltyp „{type}“; möglich sind: {known}. „nachklang channels compare“ vergleicht sie.",
    en: "Unknown channel type '{type}'; the types are: {known}. 'nachklang channels compare' compares them.",
  },
  "channel.unknown": {
    de: "Kein Kanal „{name}“ eingerichtet. „nachklang channels list“ zeigt alle.",
    en: "No channel '{name}' is configured. 'nachklang channels list' shows them all.",
  },
  "channel.exists": {
    de: "Ein Kanal „{name}“ ist schon eingerichtet; bitte --name wählen oder zuerst „nachklang channels remove {name}“.",
    en: "A channel '{name}' is already configured; choose --name or run 'nachklang channels remove {name}' first.",
  },
  "channel.unknownTypeConfigured": {
    de: "Kanal „{name}“ hat den unbekannten Typ „{type}“ (von Hand eingetragen oder von einer neueren Version). Entfernen mit „nachklang channels remove {name}“.",
    en: "Channel '{name}' has the unknown type '{type}' (written by hand or by a newer version). Remove it with 'nachklang channels remove {name}'.",
  },
  "channel.badSettings": {
    de: "Kanal „{name}“: ungültige Einstellung ({problem}). Bitte mit „nachklang channels edit {name} …“ korrigieren.",
    en: "Channel '{name}': invalid setting ({problem}). Please correct it with 'nachklang channels edit {name} …'.",
  },
  "channel.missingSecret": {
    de: "Kanal „{name}“: das Geheimnis „{secret}“ fehlt in den Kanal-Geheimnissen (secrets.age). Bitte mit „nachklang channels edit {name}“ und der Datei des Geheimnisses neu angeben.",
    en: "Channel '{name}': the secret '{secret}' is missing from the channel secrets (secrets.age). Please give it again with 'nachklang channels edit {name}' and the secret's file.",
  },
  "channel.added": { de: "Kanal „{name}“ ({type}) eingerichtet.", en: "Channel '{name}' ({type}) configured." },
  "channel.removed": { de: "Kanal „{name}“ entfernt.", en: "Channel '{name}' removed." },
  "channel.healthy": { de: "Kanal „{name}“ ist bereit.", en: "Channel '{name}' is ready." },
  "channel.unhealthy": { de: "Kanal „{name}“ ist nicht bereit.", en: "Channel '{name}' is not ready." },
  "practice.created": { de: "Praxis angelegt in {home}.", en: "Practice created in {home}." },
  "keys.ageRecipient": { de: "age-Empfänger:    {recipient}", en: "age recipient:    {recipient}" },
  "keys.minisign": { de: "minisign-Schlüssel {keyId}: {key}", en: "minisign key {keyId}: {key}" },
  "keys.exportWhat": {
    de: "Bitte angeben, was exportiert wird: --identity DATEI und/oder --minisign DATEI.",
    en: "Please say what to export: --identity FILE and/or --minisign FILE.",
  },
  "keys.exportedIdentity": {
    de: "Geheime age-Identität nach {file} geschrieben (nur für Sie lesbar). Sicher aufbewahren.",
    en: "Secret age identity written to {file} (readable only by you). Keep it safe.",
  },
  "keys.exportedMinisign": { de: "minisign-Schlüssel nach {file} geschrieben.", en: "minisign public key written to {file}." },
  "client.badAlias": {
    de: "„{alias}“ ist kein gültiges Kürzel: bitte Buchstaben a–z (ohne Umlaute), Ziffern, . _ - (höchstens 64 Zeichen), z. B. k042.",
    en: "'{alias}' is not a valid alias: use the letters a–z (no accents), digits, . _ - (at most 64 characters), e.g. k042.",
  },
  "client.badAgeRecipient": {
    de: "Klient:in „{alias}“: der age-Empfänger ist ungültig (erwartet age1…).",
    en: "Client '{alias}': the age recipient is invalid (expected age1…).",
  },
  "option.controlChars": {
    de: "{option} enthält Steuerzeichen (Zeilenumbruch, Tabulator, Terminal- oder Richtungssteuerung); nichts geändert. Bitte als einfachen Text angeben.",
    en: "{option} holds control characters (a line break, a tab, a terminal or direction control); nothing was changed. Please give it as plain text.",
  },
  "client.controlChars": {
    de: "Klient:in „{alias}“: „{field}“ enthält Steuerzeichen (Zeilenumbruch, Tabulator, Terminal- oder Richtungssteuerung); nichts geändert. Bitte als einfachen Text angeben.",
    en: "Client '{alias}': '{field}' holds control characters (a line break, a tab, a terminal or direction control); nothing was changed. Please give it as plain text.",
  },
  "client.blankField": {
    de: "Klient:in „{alias}“: „{field}“ ist leer; bitte einen Wert angeben (entfernen mit --unset {field}).",
    en: "Client '{alias}': '{field}' is blank; please give a value (remove it with --unset {field}).",
  },
  "client.badField": {
    de: "Klient:in „{alias}“: ungültige Angabe bei „{field}“.",
    en: "Client '{alias}': invalid value for '{field}'.",
  },
  "client.badPhone": {
    de: "Klient:in „{alias}“: ungültige Angabe bei „{field}“ (international, z. B. +49 170 1234567).",
    en: "Client '{alias}': invalid value for '{field}' (international, e.g. +49 170 1234567).",
  },
  "client.badThreema": {
    de: "Klient:in „{alias}“: ungültige Angabe bei „{field}“ (eine Threema-ID hat 8 Zeichen, z. B. ECHOECHO).",
    en: "Client '{alias}': invalid value for '{field}' (a Threema ID has 8 characters, e.g. ECHOECHO).",
  },
  "client.badEmail": {
    de: "Klient:in „{alias}“: ungültige Angabe bei „{field}“ (eine E-Mail-Adresse, z. B. name@example.org).",
    en: "Client '{alias}': invalid value for '{field}' (an e-mail address, e.g. name@example.org).",
  },
  "client.aliasHasRecords": {
    de: "„{alias}“ war der Alias einer entfernten Klient:in; die Akten halten darunter noch {count} {count:Eintrag|Einträge} bis zum Ende der Aufbewahrung. Eine neue Klient:in braucht einen anderen Alias; kommt dieselbe Person wieder, mit --returning anlegen.",
    en: "'{alias}' was the alias of a removed client; the records still keep {count} {count:entry|entries} under it until their retention ends. A new client needs another alias; if the same person is coming back, add them with --returning.",
  },
  "client.existsForgotten": {
    de: "„{alias}“ ist das Kürzel einer am {date} gelöschten Klient:in (Art. 17 DSGVO), deren Unterlagen aufbewahrt werden; nichts geändert. Eine neue Klient:in braucht ein anderes Kürzel.",
    en: "'{alias}' is the alias of a client forgotten on {date} (GDPR Art. 17) whose records are kept; nothing was changed. A new client needs another alias.",
  },
  "client.exists": {
    de: "Klient:in „{alias}“ gibt es schon; nichts geändert.",
    en: "Client '{alias}' already exists; nothing was changed.",
  },
  "client.added": { de: "Klient:in „{alias}“ angelegt.", en: "Client '{alias}' added." },
  "client.removed": { de: "Klient:in „{alias}“ entfernt.", en: "Client '{alias}' removed." },
  "client.none": { de: "Noch keine Klient:innen angelegt.", en: "No clients yet." },
  "open.noIdentity": {
    de: "{file}: keine age-Identität (AGE-SECRET-KEY-1…) gefunden.",
    en: "{file}: no age identity (AGE-SECRET-KEY-1…) found.",
  },
  "open.badIdentity": {
    de: "{file}: Zeile {line} ist keine gültige age-Identität (AGE-SECRET-KEY-…); bitte die Datei prüfen.",
    en: "{file}: line {line} is not a valid age identity (AGE-SECRET-KEY-…); please check the file.",
  },
  "open.badSigner": {
    de: "{file}: kein gültiger minisign-Schlüssel.",
    en: "{file}: not a valid minisign public key.",
  },
  "open.signedBy": {
    de: "Signiert von {from} mit Schlüssel {keyId} (Fingerabdruck {fingerprint}) am {created}; Signatur und alle Prüfsummen gültig.",
    en: "Signed by {from} with key {keyId} (fingerprint {fingerprint}) on {created}; signature and all checksums valid.",
  },
  "open.extracted": { de: "Entpackt nach {dir}.", en: "Extracted to {dir}." },
  "open.verified": { de: "{file} ist unversehrt; nichts geschrieben.", en: "{file} is intact; nothing was written." },
  "doctor.node": { de: "Node {version}", en: "Node {version}" },
  "doctor.nodeOld": {
    de: "Node {version} ist zu alt: bitte Node 20.19 oder neuer installieren.",
    en: "Node {version} is too old: please install Node 20.19 or newer.",
  },
  "doctor.noHome": {
    de: "Kein Praxisordner unter {home}: „nachklang init“ legt ihn an.",
    en: "No practice folder at {home}: 'nachklang init' creates it.",
  },
  "doctor.homeOk": { de: "Praxisordner {home}: nur für Sie lesbar.", en: "Practice folder {home}: readable only by you." },
  "doctor.homeLoose": {
    de: "Praxisordner {home}: {count} {count:Eintrag ist|Einträge sind} für andere lesbar (z. B. {example}); bitte „chmod -R go-rwx {home}“.",
    en: "Practice folder {home}: {count} {count:entry is|entries are} readable by others (e.g. {example}); please run 'chmod -R go-rwx {home}'.",
  },
  "doctor.noKeyring": {
    de: "Kein Schlüsselbund ({file}): „nachklang init“ legt die Praxis an.",
    en: "No keyring ({file}): 'nachklang init' creates the practice.",
  },
  "doctor.channels": {
    de: "Kanäle eingerichtet: {count} ({names}); dazu immer der Übergabeordner. „nachklang channels list“ prüft sie.",
    en: "Channels configured: {count} ({names}); plus the built-in hand-off folder. 'nachklang channels list' checks them.",
  },
  "doctor.tool": { de: "{tool}: {version}", en: "{tool}: {version}" },
  "doctor.noTool": {
    de: "{tool} ist nicht installiert (optional, zum Gegenprüfen mit Standardwerkzeugen).",
    en: "{tool} is not installed (optional, for checking with standard tools).",
  },
  "demo.done": {
    de: "Demo fertig in {seconds} s: der Nachklang liegt verschlüsselt und signiert in {file}.",
    en: "Demo done in {seconds} s: the follow-up is encrypted, signed and delivered to {file}.",
  },
  "demo.failed": {
    de: "Die Demo konnte den Nachklang nicht zustellen; bitte mit --debug wiederholen und melden.",
    en: "The demo could not deliver the follow-up; please run again with --debug and report it.",
  },
  "demo.openWithNachklang": { de: "Öffnen wie die Klientin/der Klient:  {command}", en: "Open it as the client would:  {command}" },
  "demo.openWithAge": { de: "Oder mit Standardwerkzeugen:          {command}", en: "Or with standard tools:       {command}" },
} satisfies Catalogue;

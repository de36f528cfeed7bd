import type { Catalogue } from "./entry.js";

/** Lines of the agent (`unlock`, `lock`) and of how commands find the practice's keys. */
export const agent = {
  "agent.locked": {
    de: "Gesperrt: bitte „nachklang unlock“ ausführen (oder die Passphrase des Schlüsselbunds mit --passphrase-file DATEI oder NACHKLANG_PASSPHRASE angeben).",
    en: "Locked: run 'nachklang unlock' (or give the keyring passphrase with --passphrase-file FILE or NACHKLANG_PASSPHRASE).",
  },
  "agent.needsPassphrase": {
    de: "Dieser Befehl braucht die Passphrase des Schlüsselbunds selbst, auch wenn entsperrt ist (der Agent gibt die privaten Schlüssel nie heraus): bitte mit --passphrase-file DATEI oder NACHKLANG_PASSPHRASE angeben oder im Terminal ausführen.",
    en: "This command needs the keyring passphrase itself, also while unlocked (the agent never hands out the private keys): give it with --passphrase-file FILE or NACHKLANG_PASSPHRASE, or run it at a terminal.",
  },
  "outbox.flushLocked": {
    de: "Gesperrt: nichts zugestellt; was fällig ist, geht mit dem ersten Durchlauf nach „nachklang unlock“ hinaus.",
    en: "Locked: nothing delivered; what is due goes out with the first flush after 'nachklang unlock'.",
  },
  "agent.unlocked": {
    de: "Entsperrt bis {until}; nach {idle} ohne Nutzung wieder gesperrt. „nachklang lock“ sperrt sofort.",
    en: "Unlocked until {until}; locked again after {idle} without use. 'nachklang lock' locks now.",
  },
  "agent.already": {
    de: "Schon entsperrt bis {until} (Agent {pid}). Für eine andere Dauer: „nachklang lock“, dann erneut „nachklang unlock“.",
    en: "Already unlocked until {until} (agent {pid}). For another span: 'nachklang lock', then 'nachklang unlock' again.",
  },
  "agent.lockedNow": {
    de: "Gesperrt: der Agent hat seine Schlüssel gelöscht und sich beendet.",
    en: "Locked: the agent wiped its keys and stopped.",
  },
  "agent.notRunning": {
    de: "Nicht entsperrt: es läuft kein Agent.",
    en: "Not unlocked: no agent is running.",
  },
  "agent.stale": {
    de: "Der Agent einer früheren Entsperrung läuft nicht mehr; sein Socket {socket} wurde entfernt.",
    en: "The agent of an earlier unlock is no longer running; its socket {socket} was removed.",
  },
  "agent.unsafe": {
    de: "{path}: für den Agenten nicht sicher (es muss ein Ordner sein, den nur Sie öffnen können, mit einem Socket nur für Sie). Bitte entfernen, falls Sie ihn nicht angelegt haben, und erneut versuchen.",
    en: "{path}: not safe for the agent (it must be a folder only you can open, holding a socket only you can use). Remove it if you did not make it, then try again.",
  },
  "agent.socketTooLong": {
    de: "Der Pfad des Agenten-Sockets ist zu lang ({socket}); bitte XDG_RUNTIME_DIR setzen oder ein kürzeres --home wählen.",
    en: "The agent's socket path is too long ({socket}); set XDG_RUNTIME_DIR or use a shorter --home.",
  },
  "agent.gone": {
    de: "Der Agent hat sich während des Befehls beendet (gesperrt oder abgebrochen); bitte „nachklang unlock“ ausführen und erneut versuchen.",
    en: "The agent stopped while this command ran (locked or killed); run 'nachklang unlock' and try again.",
  },
  "agent.unresponsive": {
    de: "Der Agent antwortet nicht ({socket}); „nachklang lock“ oder „kill“ beendet ihn.",
    en: "The agent does not answer ({socket}); 'nachklang lock' or 'kill' stops it.",
  },
  "agent.busy": {
    de: "Der Agent ist ausgelastet: alle seine Verbindungen sind belegt ({socket}). Bitte in einer Minute erneut versuchen (ungenutzte Verbindungen schließt er nach 60 Sekunden).",
    en: "The agent is busy: all its connections are taken ({socket}). Try again in a minute (it closes unused connections after 60 seconds).",
  },
  "agent.mismatch": {
    de: "Der laufende Agent gehört zu einer anderen Version von nachklang; bitte „nachklang lock“ und erneut „nachklang unlock“ ausführen.",
    en: "The running agent belongs to another version of nachklang; run 'nachklang lock', then 'nachklang unlock' again.",
  },
  "agent.otherKeys": {
    de: "Der Agent an {socket} hält andere Schlüssel als der Schlüsselbund dieser Praxis (wurde sie neu angelegt oder wiederhergestellt?); nichts geändert. Bitte „nachklang lock“ und dann erneut „nachklang unlock“ ausführen.",
    en: "The agent at {socket} holds other keys than this practice's keyring (was it made anew or restored?); nothing was changed. Run 'nachklang lock', then 'nachklang unlock' again.",
  },
  "agent.otherHome": {
    de: "Der Agent an {socket} hält die Schlüssel von {home}, nicht dieser Praxis; bitte --home und XDG_RUNTIME_DIR prüfen.",
    en: "The agent at {socket} holds the keys of {home}, not of this practice; please check --home and XDG_RUNTIME_DIR.",
  },
  "agent.startFailed": {
    de: "Der Agent konnte nicht gestartet werden ({reason}); die Schlüssel bleiben gesperrt.",
    en: "The agent could not be started ({reason}); the keys stay locked.",
  },
  "agent.badDuration": {
    de: "„{value}“ ist keine Dauer; bitte z. B. 30m, 8h oder 1h30m.",
    en: "'{value}' is not a duration; use e.g. 30m, 8h or 1h30m.",
  },
  "agent.idleConfigBad": {
    de: "Hinweis: agentIdleMinutes in config.json ({value}) ist keine Zahl von Minuten von 1 bis 1440 (ein Tag); der Agent sperrt nach {minutes} {minutes:Minute|Minuten} ohne Nutzung.",
    en: "Note: agentIdleMinutes in config.json ({value}) is no number of minutes from 1 to 1440 (a day); the agent locks after {minutes} {minutes:minute|minutes} without use.",
  },
  "agent.tooLong": {
    de: "{value}: der Agent hält die Schlüssel höchstens {max} Stunden.",
    en: "{value}: the agent holds the keys for at most {max} hours.",
  },
  "agent.stateUnlocked": {
    de: "Entsperrt bis {until} (Agent {pid}; ohne Nutzung gesperrt ab {idle}).",
    en: "Unlocked until {until} (agent {pid}; locked without use from {idle}).",
  },
  "agent.stateLocked": {
    de: "Gesperrt: Befehle fragen nach der Passphrase („nachklang unlock“ entsperrt bis zum Ende der Kontaktzeiten).",
    en: "Locked: commands ask for the passphrase ('nachklang unlock' unlocks until the end of contact hours).",
  },
  "secrets.damaged": {
    de: "{file}: die Kanal-Geheimnisse lassen sich nicht lesen (beschädigt?). Bitte aus der Sicherung wiederherstellen oder die Kanäle neu einrichten.",
    en: "{file}: the channel secrets cannot be read (damaged?). Please restore it from a backup or set the channels up again.",
  },
} satisfies Catalogue;

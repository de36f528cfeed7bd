import type { Catalogue } from "./entry.js";

/**
 * Lines of daily delivery work (issue 24): failures that stop, rerouting and cancelling,
 * channel size limits, series of follow-ups and client groups.
 */
export const dailyDelivery = {
  // --- failures that stop ---
  "outbox.stoppedWaiting": {
    de: "Nicht erneut versucht (dauerhaft fehlgeschlagen): {count}. Siehe „nachklang outbox list“; dann „nachklang outbox reroute ID --channel NAME“, „outbox retry ID“ oder „outbox cancel ID“.",
    en: "Not tried again (failed for good): {count}. See 'nachklang outbox list'; then 'nachklang outbox reroute ID --channel NAME', 'outbox retry ID' or 'outbox cancel ID'.",
  },
  "outbox.failedReason": { de: "    Grund: {reason}", en: "    reason: {reason}" },
  "outbox.failedForGood": {
    de: "    wird nicht erneut versucht: „nachklang outbox reroute {id} --channel NAME“ (anderer Kanal mit Einwilligung), „outbox retry {id}“ oder „outbox cancel {id}“.",
    en: "    not tried again: 'nachklang outbox reroute {id} --channel NAME' (another consented channel), 'outbox retry {id}' or 'outbox cancel {id}'.",
  },
  "outbox.notReroutable": {
    de: "{id} ist {state}; umleiten lässt sich nur ein wartender oder fehlgeschlagener Nachklang.",
    en: "{id} is {state}; only a waiting or failed follow-up can be rerouted.",
  },
  "outbox.rerouteNoRecord": {
    de: "{id}: zu diesem Nachklang fehlt die Beschreibung im Postausgang; bitte „nachklang outbox cancel {id}“ und neu senden.",
    en: "{id}: the outbox holds no description of this follow-up; please run 'nachklang outbox cancel {id}' and send it again.",
  },
  "outbox.reroutedSent": { de: "{id} an {alias} über {channel} zugestellt (derselbe versiegelte Nachklang).", en: "{id} delivered to {alias} through {channel} (the same sealed follow-up)." },
  "outbox.reroutedQueued": { de: "{id} geht an {alias} nun über {channel}, fällig {when}.", en: "{id} now goes to {alias} through {channel}, due {when}." },
  "outbox.reroutedWaits": {
    de: "{id} geht an {alias} nun über {channel}; jetzt ist keine Kontaktzeit, er wartet im Postausgang bis zur nächsten: {when}.",
    en: "{id} now goes to {alias} through {channel}; it is outside contact hours now, so it waits in the outbox for the next opening: {when}.",
  },
  "outbox.busy": {
    de: "{alias}: Nachklang {id} wird gerade von einem anderen nachklang-Prozess zugestellt; bitte in einer Minute erneut versuchen („nachklang outbox list“ zeigt, wie es ausging).",
    en: "{alias}: follow-up {id} is being delivered by another nachklang process right now; please try again in a minute ('nachklang outbox list' shows how it went).",
  },
  "outbox.cancelledMayHaveArrived": {
    de: "{alias}: Nachklang {id} wurde gerade zugestellt, als ein nachklang-Lauf abbrach; er ist vielleicht angekommen. Bitte mit der Klient:in klären.",
    en: "{alias}: follow-up {id} was being delivered when a nachklang run stopped; it may have arrived. Please check with the client.",
  },
  "outbox.flushClosed": {
    de: "Die Kontaktzeit endete während dieses Durchlaufs: {count} {count:Nachklang wartet|Nachklänge warten} im Postausgang bis zur nächsten: {when}.",
    en: "Contact hours closed during this flush: {count} {count:follow-up waits|follow-ups wait} in the outbox for the next opening: {when}.",
  },
  "outbox.reroutedFailed": { de: "{id} über {channel}: FEHLGESCHLAGEN {problem}", en: "{id} through {channel}: FAILED {problem}" },
  "outbox.cancelNeedsId": {
    de: "Bitte angeben, was zurückgezogen wird: „nachklang outbox cancel ID“ oder „nachklang outbox cancel --series ID“.",
    en: "Please say what to cancel: 'nachklang outbox cancel ID' or 'nachklang outbox cancel --series ID'.",
  },

  // --- size before sending ---
  "email.tooLarge": {
    de: "{alias}: der E-Mail-Anhang (Viewer) wäre etwa {size} MB groß, mehr als die {limit} MB, die Kanal {channel} erlaubt; nichts gesendet. Bitte weniger oder kleinere Fotos, kürzere Audios oder einen anderen Kanal wählen (z. B. --channel folder), oder die Grenze anheben, wenn die Mail-Anbieter es zulassen (--max-attachment-mb).",
    en: "{alias}: the e-mail attachment (viewer) would be about {size} MB, more than the {limit} MB channel {channel} allows; nothing was sent. Please send fewer or smaller photos, shorter audio, or use another channel (e.g. --channel folder), or raise the limit if the mail providers accept it (--max-attachment-mb).",
  },
  "threema.manyMessages": {
    de: "{alias}: über Threema wird dieser Nachklang zu {messages} Nachrichten ({credits} Credits). Eine kürzere Notiz, weniger Teile oder ein anderer Kanal (z. B. E-Mail mit Viewer) bringen ihn in einer.",
    en: "{alias}: through Threema this follow-up becomes {messages} messages ({credits} credits). A shorter note, fewer items, or another channel (e.g. e-mail with the viewer) carries it in one.",
  },
  "signal.attachmentTooLarge": {
    de: "{alias}: {file} ist {size} MB groß; Signal nimmt Anhänge bis {limit} MB. Bitte kürzen oder einen anderen Kanal wählen (z. B. --channel folder).",
    en: "{alias}: {file} is {size} MB; Signal takes attachments up to {limit} MB. Please shorten it or use another channel (e.g. --channel folder).",
  },
  "plan.messages": { de: "Über {channel}: Nachrichten: {messages}, Credits: {credits}.", en: "Through {channel}: messages: {messages}, credits: {credits}." },
  "plan.balance": {
    de: "Über {channel}: noch {balance} {balance:Credit|Credits} beim Threema Gateway.",
    en: "Through {channel}: {balance} {balance:credit|credits} left at the Threema Gateway.",
  },
  "threema.tooFewCredits": {
    de: "{alias}: dieser Nachklang braucht {needed} Threema-Credits, Kanal {channel} hat beim Gateway noch {available}; nichts gespeichert oder gesendet. Bitte Credits auf gateway.threema.ch kaufen und erneut senden, oder einen anderen Kanal wählen (--channel).",
    en: "{alias}: this follow-up needs {needed} Threema credits, but channel {channel} has {available} left at the Gateway; nothing was stored or sent. Please buy credits at gateway.threema.ch and send again, or choose another channel (--channel).",
  },
  "threema.tooFewCreditsRun": {
    de: "{alias}: dieser Nachklang braucht {needed} Threema-Credits, und dieser Lauf hat schon {planned} verplant; Kanal {channel} hat beim Gateway noch {available}, darum wurde er weder gespeichert noch gesendet. Bitte Credits auf gateway.threema.ch kaufen und ihn erneut senden, oder einen anderen Kanal wählen (--channel).",
    en: "{alias}: this follow-up needs {needed} Threema credits and this run has already planned {planned}, but channel {channel} has {available} left at the Gateway; it was neither stored nor sent. Please buy credits at gateway.threema.ch and send it again, or choose another channel (--channel).",
  },
  "threema.tooFewCreditsWaiting": {
    de: "{alias}: dieser wartende Nachklang braucht {needed} Threema-Credits, Kanal {channel} hat beim Gateway noch {available}; er wurde nicht gesendet und bleibt im Postausgang. Bitte Credits auf gateway.threema.ch kaufen; das nächste „nachklang outbox flush“ sendet ihn.",
    en: "{alias}: this waiting follow-up needs {needed} Threema credits, but channel {channel} has {available} left at the Gateway; it was not sent and stays in the outbox. Please buy credits at gateway.threema.ch; the next `nachklang outbox flush` sends it.",
  },
  "threema.tooFewCreditsWaitingRun": {
    de: "{alias}: dieser wartende Nachklang braucht {needed} Threema-Credits, und dieser Lauf hat schon {planned} verbraucht; Kanal {channel} hat beim Gateway noch {available}, darum wurde er nicht gesendet und bleibt im Postausgang. Bitte Credits auf gateway.threema.ch kaufen; das nächste „nachklang outbox flush“ sendet ihn.",
    en: "{alias}: this waiting follow-up needs {needed} Threema credits and this run has already used {planned}, but channel {channel} has {available} left at the Gateway; it was not sent and stays in the outbox. Please buy credits at gateway.threema.ch; the next `nachklang outbox flush` sends it.",
  },
  "threema.balanceUnknown": {
    de: "Kanal {channel}: die Credits beim Threema Gateway ließen sich nicht abfragen ({reason}); es wird ohne diese Prüfung gesendet.",
    en: "Channel {channel}: could not ask the Threema Gateway for the credits left ({reason}); sending without that check.",
  },
  "plan.attachment": { de: "Über {channel}: Anhang etwa {size} MB (Grenze {limit} MB).", en: "Through {channel}: attachment about {size} MB (limit {limit} MB)." },

  // --- series ---
  "series.oneTime": {
    de: "bitte genau eine Zeit angeben: at (z. B. 2027-03-09 16:00), after (z. B. 3d nach jetzt) oder before (z. B. 1d vor dem Termin)",
    en: "give exactly one time: at (e.g. 2027-03-09 16:00), after (e.g. 3d from now) or before (e.g. 1d before the appointment)",
  },
  "series.beforeWithoutAppointment": {
    de: "before: braucht den Termin der Serie (appointment: oben in der Datei)",
    en: "before: needs the series' appointment (appointment: at the top of the file)",
  },
  "series.pastTime": { de: "die geplante Zeit {when} liegt in der Vergangenheit; bitte später planen", en: "the planned time {when} lies in the past; please plan it later" },
  "series.withGroup": {
    de: "--series plant Nachklänge für eine Klient:in, nicht für eine Gruppe; bitte je Mitglied „nachklang send ALIAS --series DATEI“, oder jeden Schritt mit --group und --at.",
    en: "--series plans follow-ups for one client, not for a group; please use 'nachklang send ALIAS --series FILE' per member, or send each step with --group and --at.",
  },
  "series.withContent": {
    de: "--series nimmt den Inhalt aus der Datei; bitte --note, --photo, --audio, --homework, --impulse, --appointment und --at weglassen (oder als Schritt in die Datei schreiben).",
    en: "--series takes the content from the file; please leave out --note, --photo, --audio, --homework, --impulse, --appointment and --at (or write them as a step in the file).",
  },
  "series.dryLine": { de: "Schritt {n}/{of}: {when}, {count} {count:Teil|Teile}, {size}, über {channel}", en: "Step {n}/{of}: {when}, {count} {count:item|items}, {size}, through {channel}" },
  "series.header": {
    de: "Serie {series} für {alias}: {of} {of:Nachklang|Nachklänge}. Alle noch wartenden zurückziehen mit: nachklang outbox cancel --series {series}",
    en: "Series {series} for {alias}: {of} {of:follow-up|follow-ups}. Cancel every one still waiting with: nachklang outbox cancel --series {series}",
  },
  "series.stepSent": { de: "  {n}/{of} {id} über {channel} zugestellt", en: "  {n}/{of} {id} delivered through {channel}" },
  "series.stepQueued": { de: "  {n}/{of} {id} wartet, fällig {when}", en: "  {n}/{of} {id} queued, due {when}" },
  "series.stepFailed": { de: "  {n}/{of} {id} FEHLGESCHLAGEN {problem}", en: "  {n}/{of} {id} FAILED {problem}" },
  "series.rolledBack": {
    de: "Serie: Schritt {n} ließ sich nicht vorbereiten; die schon versiegelten Schritte wurden zurückgezogen, nichts wurde gesendet.",
    en: "Series: step {n} could not be prepared; the steps already sealed were withdrawn, nothing was sent.",
  },
  "series.prefixShort": {
    de: "„{series}“ ist zu kurz, um eine Serie zu bestimmen: bitte mindestens 6 Zeichen der Serien-ID angeben (siehe „nachklang outbox list“).",
    en: "'{series}' is too short to name a series: please give at least 6 characters of the series id (see 'nachklang outbox list').",
  },
  "series.ambiguous": {
    de: "„{series}“ passt zu {count} Serien; bitte mehr Zeichen der Serien-ID angeben (siehe „nachklang outbox list“).",
    en: "'{series}' fits {count} series; please give more characters of the series id (see 'nachklang outbox list').",
  },
  "series.unknown": { de: "Keine Serie „{series}“ im Protokoll; siehe „nachklang outbox list“.", en: "No series '{series}' in the ledger; see 'nachklang outbox list'." },
  "series.cancelled": {
    de: "Serie {series}: {cancelled} zurückgezogen, {kept} schon zugestellt, zurückgezogen oder gerade unterwegs.",
    en: "Series {series}: {cancelled} cancelled, {kept} already delivered, cancelled or under way.",
  },
  "series.cancelTwice": { de: "Bitte entweder eine ID oder --series angeben, nicht beides.", en: "Give either an ID or --series, not both." },
  "outbox.seriesTag": { de: "    Serie {series}, Schritt {n}/{of}", en: "    series {series}, step {n}/{of}" },

  // --- groups ---
  "group.caseTwin": {
    de: "Es gibt schon die Gruppe „{other}“; „{name}“ unterscheidet sich nur in Groß- und Kleinschreibung. Bitte „{other}“ verwenden oder einen anderen Namen wählen.",
    en: "There is already a group '{other}'; '{name}' differs from it only in upper and lower case. Please use '{other}', or choose another name.",
  },
  "group.badName": {
    de: "„{name}“ taugt nicht als Gruppenname: bitte Buchstaben (a–z), Ziffern, Punkt, Binde- und Unterstrich, höchstens 40 Zeichen.",
    en: "'{name}' is not a usable group name: use letters (a–z), digits, dot, dash and underscore, at most 40 characters.",
  },
  "channel.nameNamesClient": {
    de: "Der Kanalname „{value}“ nennt Klient:in {alias}; Kanalnamen stehen unverschlüsselt in config.json und in jeder Zeile des Protokolls. Bitte einen Namen wählen, der niemanden nennt (z. B. mappe-2).",
    en: "The channel name '{value}' names client {alias}; channel names are stored unencrypted in config.json and in every ledger line. Please choose a name that names no one (e.g. folder-2).",
  },
  "channel.pathNamesClient": {
    de: "Kanal „{name}“: der Ordner „{value}“ im Pfad nennt Klient:in {alias}; der Pfad steht unverschlüsselt in config.json und im Protokoll. Bitte einen Ordner wählen, der niemanden nennt.",
    en: "Channel '{name}': the folder '{value}' in the path names client {alias}; the path is stored unencrypted in config.json and in the ledger. Please choose a folder that names no one.",
  },
  "group.namesClient": {
    de: "Der Gruppenname „{name}“ nennt Klient:in {alias}; Gruppennamen werden unverschlüsselt gespeichert. Bitte einen Namen wählen, der niemanden nennt (z. B. supervision-a).",
    en: "The group name '{name}' names client {alias}; group names are stored unencrypted. Please choose a name that names no one (e.g. supervision-a).",
  },
  "group.unknown": { de: "Keine Gruppe „{name}“; vorhandene zeigt „nachklang group list“.", en: "No group '{name}'; 'nachklang group list' shows the groups." },
  "group.damaged": { de: "{file} ist beschädigt; bitte aus der Sicherung holen oder löschen und die Gruppen neu anlegen.", en: "{file} is damaged; please restore it from a backup, or delete it and create the groups again." },
  "group.saved": { de: "Gruppe {name}: {members}", en: "Group {name}: {members}" },
  "group.line": { de: "{name}: {members}", en: "{name}: {members}" },
  "group.none": { de: "Noch keine Gruppen; anlegen mit „nachklang group add NAME ALIAS…“.", en: "No groups yet; create one with 'nachklang group add NAME ALIAS…'." },
  "group.removed": { de: "Gruppe {name} gelöscht (die Klient:innen bleiben).", en: "Group {name} removed (the clients stay)." },
  "group.membersRemoved": { de: "Aus Gruppe {name} entfernt: {removed}.", en: "Removed from group {name}: {removed}." },
  "group.notMember": { de: "{alias} gehört nicht zu Gruppe {name}.", en: "{alias} is not in group {name}." },
  "group.goneMember": { de: "(entfernte:r Klient:in)", en: "(removed client)" },
  "group.noMembers": { de: "(keine Mitglieder)", en: "(no members)" },
  "group.empty": {
    de: "Gruppe {name} hat keine Mitglieder; hinzufügen mit „nachklang group add {name} ALIAS…“.",
    en: "Group {name} has no members; add some with 'nachklang group add {name} ALIAS…'.",
  },
  "group.forgotten": {
    de: "„{alias}“ wurde am {date} gelöscht (Art. 17 DSGVO) und kommt in keine Gruppe mehr; nichts geändert.",
    en: "'{alias}' was forgotten on {date} (GDPR Art. 17) and cannot join a group; nothing was changed.",
  },
  "group.clientLeft": {
    de: "{alias} gehört nicht mehr zu {count:Gruppe|den Gruppen} {groups}.",
    en: "{alias} is no longer in {count:group|groups} {groups}.",
  },
  "group.departed": {
    de: "Gruppe {name}: {members} {count:wurde|wurden} entfernt oder gelöscht und {count:ist|sind} jetzt aus der Gruppe genommen; an {count:dieses Mitglied|diese Mitglieder} geht nichts.",
    en: "Group {name}: {members} {count:was|were} removed or forgotten and {count:is|are} now taken out of the group; nothing goes to them.",
  },
  "group.departedDry": {
    de: "Gruppe {name}: {members} {count:wurde|wurden} entfernt oder gelöscht; an {count:dieses Mitglied|diese Mitglieder} ginge nichts, und beim Senden {count:wird es|werden sie} aus der Gruppe genommen.",
    en: "Group {name}: {members} {count:was|were} removed or forgotten; nothing would go to them, and sending takes them out of the group.",
  },
  "group.aliasOrGroup": { de: "Bitte entweder ALIAS oder --group NAME angeben.", en: "Please give either ALIAS or --group NAME." },
  "group.sharedPassphrase": {
    de: "--viewer-passphrase-file gilt für eine Klient:in; für eine Gruppe nutzt jede ihre eigene gespeicherte Viewer-Passphrase (--viewer).",
    en: "--viewer-passphrase-file is for one client; for a group each member's own stored viewer passphrase is used (--viewer).",
  },
  "group.header": { de: "Gruppe {name}: {count} {count:Nachklang|Nachklänge}, jeder einzeln versiegelt.", en: "Group {name}: {count} {count:follow-up|follow-ups}, each sealed separately." },
} satisfies Catalogue;

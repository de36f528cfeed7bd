import type { Catalogue } from "./index.js";

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
  "plan.attachment": { de: "Über {channel}: Anhang etwa {size} MB (Grenze {limit} MB).", en: "Through {channel}: attachment about {size} MB (limit {limit} MB)." },
} satisfies Catalogue;

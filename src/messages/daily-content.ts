import type { Catalogue } from "./entry.js";

/**
 * Lines of a follow-up's content (issue 24): greetings per salutation, the framing of each kind
 * of follow-up, and the checks of dates. The greetings and framings go to clients.
 */
export const dailyContent = {
  // --- greetings (client-facing) ---
  "greeting.formal": { de: "Guten Tag,", en: "Dear Sir or Madam," },
  "greeting.formal.named": { de: "Guten Tag {name},", en: "Dear {name}," },
  "greeting.informal": { de: "Hallo,", en: "Hello," },
  "greeting.informal.named": { de: "Hallo {name},", en: "Dear {name}," },
  "greeting.informal.female": { de: "Liebe {name},", en: "Dear {name}," },
  "greeting.informal.male": { de: "Lieber {name},", en: "Dear {name}," },

  // --- kinds of follow-up (client-facing framing) ---
  "kind.intro.exercise": {
    de: "Hier ist die Übung aus unserer Sitzung – zum Wiederholen, so oft es Ihnen guttut.",
    en: "Here is the exercise from our session – to repeat as often as it does you good.",
  },
  "kind.intro.impulse": { de: "Ein kleiner Impuls zum Weiterdenken – ganz ohne Auftrag.", en: "A small impulse to think on – no task attached." },
  "kind.intro.reminder": { de: "Eine kurze Erinnerung an unseren nächsten Termin.", en: "A short reminder of our next appointment." },
  "kind.intro.welcome": { de: "Herzlich willkommen – schön, dass Sie sich gemeldet haben.", en: "Welcome – I am glad you got in touch." },
  "kind.intro.ground-rules": {
    de: "Damit unser Kontakt zwischen den Sitzungen für Sie verlässlich ist, hier unsere Absprachen.",
    en: "So that our contact between sessions is reliable for you, here are our agreements.",
  },
  "kind.template.exercise": { de: "Die Übung: {title}", en: "The exercise: {title}" },
  "kind.template.impulse": { de: "Der Impuls: {title}", en: "The impulse: {title}" },
  "kind.template.reminder": { de: "Alles Weitere zum Termin: {title}", en: "More about the appointment: {title}" },
  "kind.template.welcome": { de: "Zum Ankommen: {title}", en: "To help you settle in: {title}" },
  "kind.template.ground-rules": { de: "Zum Nachlesen: {title}", en: "To read at your leisure: {title}" },
  "kind.reminder.appointment": {
    de: "Wir sehen uns am {when}. Den Kalendereintrag finden Sie im Anhang.",
    en: "We will meet on {when}. The calendar entry is attached.",
  },
  "followup.impulse.video": { de: "Videositzung", en: "Video session" },

  // --- kinds of follow-up (for the practitioner) ---
  "kind.bad": {
    de: "Unbekannte Art „{value}“; möglich: {kinds}.",
    en: "Unknown kind '{value}'; use one of: {kinds}.",
  },
  "kind.reminderNeedsAppointment": {
    de: "Eine Erinnerung an {alias} braucht den Termin: --appointment \"JJJJ-MM-TT HH:MM\" (im Batch: appointment:).",
    en: "A reminder to {alias} needs the appointment: --appointment \"YYYY-MM-DD HH:MM\" (in a batch: appointment:).",
  },
  "new.kind": { de: "Was für ein Nachklang?", en: "What kind of follow-up?" },
  "new.template": { de: "Text aus der Bibliothek", en: "Text from the library" },
  "kind.label.homework": { de: "Anregung (Hausaufgabe, freiwillig)", en: "Suggestion (homework, voluntary)" },
  "kind.label.exercise": { de: "Übung", en: "Exercise" },
  "kind.label.impulse": { de: "Impuls (Zitat, Buch, Musik, Link, Videositzung)", en: "Impulse (quote, book, music, link, video session)" },
  "kind.label.reminder": { de: "Terminerinnerung (mit Kalendereintrag)", en: "Appointment reminder (with calendar entry)" },
  "kind.label.welcome": { de: "Willkommen", en: "Welcome" },
  "kind.label.ground-rules": { de: "Absprachen für den Kontakt", en: "Ground rules for our contact" },

  // --- dates ---
  "date.appointmentPast": {
    de: "Der Termin „{value}“ liegt in der Vergangenheit; bitte den nächsten Termin angeben (JJJJ-MM-TT HH:MM).",
    en: "The appointment '{value}' lies in the past; give the next appointment (YYYY-MM-DD HH:MM).",
  },
  "date.atPast": {
    de: "--at „{value}“ liegt in der Vergangenheit; für sofort --now angeben, sonst eine künftige Zeit.",
    en: "--at '{value}' lies in the past; use --now to send right away, or give a future time.",
  },
  "date.atFar": {
    de: "--at „{value}“ liegt mehr als ein Jahr in der Zukunft; wenn das so gemeint ist, mit --yes bestätigen.",
    en: "--at '{value}' is more than a year ahead; if that is meant, confirm with --yes.",
  },
  "date.atFarConfirm": {
    de: "{when} liegt mehr als ein Jahr in der Zukunft. Wirklich so planen?",
    en: "{when} is more than a year ahead. Plan it for then?",
  },
} satisfies Catalogue;

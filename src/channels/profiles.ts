/**
 * What practitioners weigh when they choose a channel, per channel type, in both languages.
 * Feeds `nachklang channels compare` and the consent information template. WhatsApp appears
 * here only so the comparison can say why it is not offered.
 */
import type { Lang } from "../messages/index.js";

type Text = Readonly<Record<Lang, string>>;

export interface ChannelProfile {
  readonly type: "threema" | "signal" | "wire" | "email" | "folder" | "whatsapp";
  /** Content is end-to-end encrypted between practice and client. */
  readonly endToEnd: boolean | "viewer";
  readonly phoneNumberRequired: boolean;
  readonly readsAddressBook: Text;
  readonly provider: Text;
  readonly basedIn: Text;
  readonly clientCost: Text;
  readonly clientInstalls: Text;
  /** nachklang can send without a person handing it over. */
  readonly automatic: boolean;
  /** What the provider still learns even with end-to-end encryption. */
  readonly metadata: Text;
  readonly recommended: boolean;
}

export const CHANNEL_PROFILES: readonly ChannelProfile[] = [
  {
    type: "threema",
    endToEnd: true,
    phoneNumberRequired: false,
    readsAddressBook: { de: "nur wenn erlaubt (optional)", en: "only if allowed (optional)" },
    provider: { de: "Threema GmbH", en: "Threema GmbH" },
    basedIn: { de: "Schweiz", en: "Switzerland" },
    clientCost: { de: "einmaliger App-Preis", en: "one-time app price" },
    clientInstalls: { de: "Threema-App", en: "Threema app" },
    automatic: true,
    metadata: {
      de: "Threema sieht, dass die Praxis-ID und die Threema-ID der Klientin/des Klienten Nachrichten austauschen, wann und wie groß",
      en: "Threema sees that the practice's ID and the client's Threema ID exchange messages, when, and how large",
    },
    recommended: true,
  },
  {
    type: "signal",
    endToEnd: true,
    phoneNumberRequired: true,
    readsAddressBook: {
      de: "nur wenn erlaubt, zur Kontaktsuche (Nummern werden in einer geschützten Enklave abgeglichen)",
      en: "only if allowed, for contact discovery (numbers are matched inside a protected enclave)",
    },
    provider: { de: "Signal Technology Foundation, eine gemeinnützige Stiftung", en: "Signal Technology Foundation, a non-profit foundation" },
    basedIn: { de: "USA", en: "USA" },
    clientCost: { de: "kostenlos", en: "free" },
    clientInstalls: { de: "Signal-App", en: "Signal app" },
    automatic: true,
    metadata: {
      de: "Signal kennt die Telefonnummern beider Seiten, wann ein Konto angelegt wurde und wann es zuletzt verbunden war; wer wem schreibt, verbirgt Signal weitgehend („Sealed Sender“)",
      en: "Signal knows both phone numbers, when an account was created and when it last connected; it largely hides who writes to whom ('sealed sender')",
    },
    recommended: true,
  },
  {
    type: "wire",
    endToEnd: true,
    phoneNumberRequired: false,
    readsAddressBook: { de: "nur wenn erlaubt (optional)", en: "only if allowed (optional)" },
    provider: { de: "Wire Swiss GmbH", en: "Wire Swiss GmbH" },
    basedIn: { de: "Schweiz; Server in Deutschland und Irland", en: "Switzerland; servers in Germany and Ireland" },
    clientCost: { de: "kostenlos", en: "free" },
    clientInstalls: { de: "Wire-App (Telefonnummer oder E-Mail)", en: "Wire app (phone number or e-mail)" },
    automatic: false,
    metadata: {
      de: "Wire sieht, welche Konten miteinander schreiben und wann",
      en: "Wire sees which accounts write to each other and when",
    },
    recommended: true,
  },
  {
    type: "email",
    endToEnd: "viewer",
    phoneNumberRequired: false,
    readsAddressBook: { de: "nein", en: "no" },
    provider: { de: "der E-Mail-Anbieter der Praxis und der Klient:in", en: "the practice's and the client's mail providers" },
    basedIn: { de: "je nach Anbieter", en: "depends on the providers" },
    clientCost: { de: "kostenlos", en: "free" },
    clientInstalls: { de: "nichts: ein Browser öffnet die Datei offline", en: "nothing: a browser opens the file offline" },
    automatic: true,
    metadata: {
      de: "E-Mail ist für sich nicht vertraulich: Absender, Empfänger, Zeit und Betreff sind für die Anbieter sichtbar; der Inhalt reist nur passphrasegeschützt im Anhang",
      en: "E-mail is not confidential by itself: sender, recipient, time and subject are visible to the providers; content travels only passphrase-protected in the attachment",
    },
    recommended: true,
  },
  {
    type: "folder",
    endToEnd: "viewer",
    phoneNumberRequired: false,
    readsAddressBook: { de: "nein", en: "no" },
    provider: { de: "keiner: Übergabe von Hand", en: "none: handed over by hand" },
    basedIn: { de: "in der Praxis", en: "in the practice" },
    clientCost: { de: "kostenlos", en: "free" },
    clientInstalls: { de: "age oder ein Browser (Offline-Ansicht)", en: "age or a browser (offline viewer)" },
    automatic: false,
    metadata: { de: "keine, außer beim gewählten Übergabeweg", en: "none, except on the route chosen for the hand-off" },
    recommended: true,
  },
  {
    type: "whatsapp",
    endToEnd: true,
    phoneNumberRequired: true,
    readsAddressBook: {
      de: "ja, wenn erlaubt: das ganze Adressbuch, auch Nummern von Menschen ohne WhatsApp",
      en: "yes, if allowed: the whole address book, including numbers of people without WhatsApp",
    },
    provider: { de: "Meta (WhatsApp Ireland / USA)", en: "Meta (WhatsApp Ireland / USA)" },
    basedIn: { de: "Irland / USA", en: "Ireland / USA" },
    clientCost: { de: "kostenlos", en: "free" },
    clientInstalls: { de: "WhatsApp-App", en: "WhatsApp app" },
    automatic: false,
    metadata: {
      de: "Meta erhält Metadaten und Adressbuch; Kammern und Datenschutzaufsicht raten für Gesundheitsdaten davon ab",
      en: "Meta receives metadata and the address book; professional chambers and data protection authorities advise against it for health data",
    },
    recommended: false,
  },
];

export function channelProfile(type: string): ChannelProfile | undefined {
  return CHANNEL_PROFILES.find((p) => p.type === type);
}

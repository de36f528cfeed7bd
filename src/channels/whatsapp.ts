/**
 * WhatsApp is not a channel: professional chambers and data protection authorities advise
 * against it for health data. It appears only so that asking for it gets the reason (exit 4)
 * and the comparison can show why. Any spelling of it is recognised.
 */
import { PolicyError } from "../errors.js";
import type { ChannelProfile } from "./contract.js";

/**
 * Whether a channel name or type means WhatsApp: its letters, read with compatibility forms
 * folded (fullwidth `ｗｈａｔｓａｐｐ`) and case ignored, contain `whatsapp` (`whats-app`,
 * `WhatsApp Business`, `my_whatsapp`), or are just `wa` (`WA`, `w.a.`).
 */
export function isWhatsApp(name: string): boolean {
  const letters = name.normalize("NFKC").toLowerCase().replace(/[^\p{L}]/gu, "");
  return letters.includes("whatsapp") || letters === "wa";
}

/** Refuse WhatsApp with the reason (exit 4). */
export function refuseWhatsApp(): never {
  throw new PolicyError("channels.whatsappRefused");
}

/** Shown beside the channels in the comparison, to say why it is not one. */
export const whatsappProfile: ChannelProfile = {
  type: "whatsapp",
  label: { de: "WhatsApp", en: "WhatsApp" },
  inSentence: { de: "WhatsApp", en: "WhatsApp" },
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
};

/**
 * The Wire channel: Wire offers no open, self-service way to send messages from software (its
 * bot API was archived in 2024; the newer Wire Apps need Wire's approval). So a `wire` channel
 * is the folder channel plus instructions: it writes the bundle (and the passphrase viewer) into
 * the hand-off folder, and next to it `<bundle-id>.wire.txt`, telling the practitioner in the
 * client's language what to attach in the Wire app and what to write. The instructions name
 * neither the client nor anything of the follow-up's content.
 */
import { basename, join } from "node:path";
import type { ChannelProfile, ChannelType, Delivery, DeliveryResult } from "./contract.js";
import { folderChannel, handoffFolder, type FolderSettings } from "./folder.js";
import { t, type Lang } from "../messages/index.js";
import { writePrivateFile } from "../files.js";

/** The instructions text for one delivery: what to attach and a neutral message to send. */
export function wireInstructions(lang: Lang, attach: string, viewer: boolean): string {
  const suggestion = t(lang, viewer ? "wire.suggestionViewer" : "wire.suggestionBundle");
  return t(lang, "wire.instructionsBody", { attach, suggestion });
}

/** What practitioners weigh when they choose Wire (channels compare, consent texts). */
const profile: ChannelProfile = {
  type: "wire",
  label: { de: "Wire", en: "Wire" },
  inSentence: { de: "Wire", en: "Wire" },
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
};

export const wireChannel: ChannelType<FolderSettings> = {
  type: "wire",
  address: "none",
  textLimitBytes: null,
  // The folder channel's files and the instructions, under the same names each time.
  repeatHarmless: true,
  handsOverBundle: true,
  profile,
  settings: folderChannel.settings,
  secrets: [],
  options: folderChannel.options,
  describe: (s) => folderChannel.describe(s),
  configure: (options, current) => folderChannel.configure(options, current),
  create(context) {
    const folder = handoffFolder(context.home, context.settings);
    const handOff = folderChannel.create(context);
    return {
      name: context.name,
      type: "wire",
      check: () => handOff.check(),
      async deliver(delivery: Delivery): Promise<DeliveryResult> {
        const placed = await handOff.deliver(delivery);
        if (placed.status !== "sent") return placed;
        const viewer = delivery.viewerPath !== undefined;
        const attach = basename(viewer ? (delivery.viewerPath ?? "") : delivery.bundlePath);
        const file = join(folder, `${delivery.bundleId}.wire.txt`);
        try {
          await writePrivateFile(file, wireInstructions(delivery.recipient.lang, attach, viewer));
        } catch (error) {
          // The bundle is in place already; delivering again writes the same names.
          return { status: "failed", reason: "folder.notWritable", params: { folder, reason: String(error) }, retryable: true };
        }
        return { status: "sent", ids: [...placed.ids, file] };
      },
    };
  },
};

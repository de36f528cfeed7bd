/**
 * From a sealed bundle to the client's Signal: seal processed media with the real sealing code,
 * open the bundle as the outbox does (verified, into a private temporary folder), deliver it
 * through the Signal channel, and let the emulator check that what arrives is exactly the
 * processed media, free of metadata.
 */
import { readFile } from "node:fs/promises";
import { generateIdentity, identityToRecipient } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBundleToTemp } from "../../../src/bundle/open.js";
import { sealBundle } from "../../../src/bundle/seal.js";
import { formatKeyId, generateSigningKey } from "../../../src/bundle/signature.js";
import { signalChannel } from "../../../src/channels/signal.js";
import { tempDir } from "../../helpers/cli.js";
import { missing } from "../../helpers/tools.js";
import { processMedia, type ProcessedMedia } from "./delivery.js";
import { SignalCliEmulator } from "./emulator.js";

const ACCOUNT = "+4930123456";
const CLIENT = "+4915112345678";

describe.skipIf(missing("ffmpeg") || missing("ffprobe") || missing("exiftool"))("sealed follow-up to Signal", () => {
  let emulator: SignalCliEmulator;
  let dir: string;
  let cleanup: () => Promise<void>;
  let media: ProcessedMedia;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir("nachklang-signal-sealed-"));
    media = await processMedia(dir);
    emulator = await SignalCliEmulator.start({ accounts: [ACCOUNT] });
  });
  afterAll(async () => {
    await emulator.stop();
    await cleanup();
  });

  it("delivers the opened bundle's message and items unchanged", async () => {
    const identity = await generateIdentity();
    const signing = generateSigningKey();
    const sealed = await sealBundle({
      items: [
        { file: media.photoJpeg, kind: "photo", mime: "image/jpeg", caption: "Whiteboard" },
        { file: media.audioOpus, kind: "audio", mime: "audio/ogg", durationSeconds: 25 },
      ],
      message: "Bis nächste Woche!",
      client: "k042",
      lang: "de",
      practice: { ageRecipient: await identityToRecipient(identity), keyId: formatKeyId(signing.keyId), signing },
      outDir: dir,
    });
    const opened = await openBundleToTemp(sealed.path, { keys: { identities: [identity] }, signer: signing });
    try {
      const channel = signalChannel.create({
        name: "signal",
        settings: signalChannel.settings.parse({ account: ACCOUNT, rpcUrl: emulator.url }),
        secret: () => undefined,
        home: dir,
      });
      const result = await channel.deliver({
        bundleId: sealed.id,
        bundlePath: sealed.path,
        followUp: opened,
        recipient: { alias: "k042", lang: "de", address: CLIENT, pinnedKeys: {}, pinKey: () => Promise.resolve() },
        progress: { done: new Map(), record: () => Promise.resolve() },
      });
      expect(emulator.violations).toEqual([]);
      expect(result.status).toBe("sent");
      const [sent] = emulator.sends;
      expect(sent?.message).toBe("Bis nächste Woche!");
      expect(sent?.attachments.map((a) => a.mime)).toEqual(["image/jpeg", "audio/ogg"]);
      expect(sent?.attachments[0]?.bytes.equals(await readFile(media.photoJpeg))).toBe(true);
      expect(sent?.attachments[1]?.bytes.equals(await readFile(media.audioOpus))).toBe(true);
    } finally {
      await opened.dispose();
    }
  });
});

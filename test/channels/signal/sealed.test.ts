/**
 * From a sealed bundle to the client's Signal: seal processed media with the real sealing code,
 * open the bundle as the outbox does (verified, into a private temporary folder), deliver it
 * through the Signal channel, and let the emulator check that what arrives is exactly the
 * processed media, free of metadata. And run nachklang's media pipeline on the fixtures and check
 * its output the same way.
 */
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { generateIdentity, identityToRecipient } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBundleToTemp } from "../../../src/bundle/open.js";
import { sealBundle } from "../../../src/bundle/seal.js";
import { formatKeyId, generateSigningKey } from "../../../src/bundle/signature.js";
import { nodeEd25519 } from "../../../src/bundle/ed25519-node.js";
import { signalChannel } from "../../../src/channels/signal.js";
import { processAudio, processPhoto } from "../../../src/media/index.js";
import { FIXTURES, tempDir } from "../../helpers/cli.js";
import { missing } from "../../helpers/tools.js";
import { item, makeDelivery, processMedia, type ProcessedMedia } from "./delivery.js";
import { SignalCliEmulator } from "./emulator.js";

const ACCOUNT = "+4930123456";
const CLIENT = "+4915112345678";

describe.skipIf(missing("ffmpeg") || missing("ffprobe") || missing("exiftool"))("Signal with nachklang's own sealing and media code", () => {
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
    const signing = generateSigningKey(nodeEd25519);
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
  it("what nachklang's own media pipeline makes of the fixtures passes the emulator's checks", async () => {
    const out = join(dir, "pipeline");
    await mkdir(out);
    const whiteboard = await processPhoto(join(FIXTURES, "whiteboard.jpg"), out);
    const flipchart = await processPhoto(join(FIXTURES, "flipchart.png"), out);
    const exercise = await processAudio(join(FIXTURES, "exercise.mp3"), out, { format: "opus" });
    const memo = await processAudio(join(FIXTURES, "voice-memo.m4a"), out, { format: "m4a" });
    const items = [
      await item(whiteboard.file, "photo", whiteboard.mime),
      await item(flipchart.file, "photo", flipchart.mime),
      await item(exercise.file, "audio", exercise.mime),
      await item(memo.file, "audio", memo.mime),
    ];
    emulator.sends.length = 0;
    const channel = signalChannel.create({
      name: "signal",
      settings: signalChannel.settings.parse({ account: ACCOUNT, rpcUrl: emulator.url }),
      secret: () => undefined,
      home: dir,
    });
    const result = await channel.deliver(await makeDelivery({ dir, address: CLIENT, items }));
    expect(emulator.violations).toEqual([]);
    expect(result.status).toBe("sent");
    expect(emulator.sends[0]?.attachments.map((a) => a.mime)).toEqual([whiteboard.mime, flipchart.mime, "audio/ogg", "audio/mp4"]);
  });
});

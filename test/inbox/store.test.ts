/** The sealed inbox store, and writing a client's files where the practitioner asks. */
import fc from "fast-check";
import { mkdir, open, readdir, readFile, symlink, writeFile, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import type { InboxEnv } from "../../src/inbox/env.js";
import { safeFileName, writeMessageFiles } from "../../src/inbox/read.js";
import { createHash } from "node:crypto";
import { InboxStore, messageId, type StoredMessage } from "../../src/inbox/store.js";
import { keysFor } from "../helpers/keys.js";
import { parseListen } from "../../src/cli/commands/inbox.js";
import { isTerminalUnsafe } from "../../src/printable.js";
import { tempDir } from "../helpers/cli.js";

describe("the inbox store", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let identity: string;
  let store: InboxStore;
  const envelope = (text: string, native = "*NACHKLG:0011223344556677") => ({ channel: "threema", channelType: "threema", received: "2026-12-05T10:00:00.000Z", native, body: new TextEncoder().encode(text) });

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    identity = generateIdentity();
    store = new InboxStore(join(dir, "home"), await identityToRecipient(identity));
    await store.prepare();
  });
  afterAll(() => cleanup());

  it("names a message by a keyed hash of channel type and service id: stable under one practice's key, unguessable without it", async () => {
    const keys = await keysFor(identity);
    const signalId = "+4915112349876:1700000000002";
    const id = await messageId(keys, "signal", signalId);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(await messageId(await keysFor(identity), "signal", signalId)).toBe(id);
    expect(await messageId(keys, "threema", signalId)).not.toBe(id);
    expect(await messageId(await keysFor(), "signal", signalId)).not.toBe(id);
    // What earlier versions used, which anyone with the number and a time could compute.
    expect(createHash("sha256").update(`nachklang inbox v1\0signal\0${signalId}`).digest("hex").slice(0, 32)).not.toBe(id);
  });

  it("keeps each of many concurrent puts under its own random name, the service's id sealed inside", async () => {
    const sender = "+4915112349876:1700000000002";
    await Promise.all(Array.from({ length: 12 }, (_, i) => store.put(envelope(`copy ${i}`, sender))));
    const pending = await store.pending();
    expect(pending).toHaveLength(12);
    const unkeyed = createHash("sha256").update(`nachklang inbox v1\0threema\0${sender}`).digest("hex").slice(0, 32);
    expect(pending).not.toContain(unkeyed);
    const bodies = [];
    for (const id of pending) {
      const kept = await store.readEnvelope(id, { identities: [identity] });
      expect(kept.native).toBe(sender);
      bodies.push(Buffer.from(kept.body, "base64").toString());
    }
    expect(bodies.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `copy ${i}`).sort());
    for (const id of pending) await store.discard(id);
    expect(await store.pending()).toEqual([]);
    expect(await readdir(store.paths.incoming)).toEqual([]);
    expect(await readdir(store.paths.tmp)).toEqual([]);
  });

  it("sweeps the 0-byte tombstones of earlier versions, and nothing else", async () => {
    const legacy = createHash("sha256").update("nachklang inbox v1\0signal\0+4915112349876:1700000000002").digest("hex").slice(0, 32);
    await writeFile(join(store.paths.incoming, `${legacy}.age`), "");
    await writeFile(join(store.paths.incoming, "notes.txt"), "");
    await store.put(envelope("waiting"));
    expect(await store.sweepTombstones()).toBe(1);
    expect((await readdir(store.paths.incoming)).filter((n) => n !== "notes.txt")).toEqual((await store.pending()).map((id) => `${id}.age`));
    expect(await readdir(store.paths.incoming)).toContain("notes.txt");
  });

  it("removes temporary files of processes that are gone, and only those", async () => {
    await writeFile(join(store.paths.tmp, "999999999-0123456789ab.tmp"), "left by a killed process");
    await writeFile(join(store.paths.tmp, `${process.pid}-0123456789ab.tmp`), "being written right now");
    await writeFile(join(store.paths.tmp, "notes.txt"), "not ours");
    await store.prepare();
    expect((await readdir(store.paths.tmp)).sort()).toEqual([`${process.pid}-0123456789ab.tmp`, "notes.txt"].sort());
  });
});

describe("a client's files, written where asked", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir()));
  afterAll(() => cleanup());

  it("get names without paths, control or bidi characters, or a leading dot", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: "grapheme-composite" }), (name) => {
        const safe = safeFileName(name);
        expect(safe.length).toBeGreaterThan(0);
        expect(safe).not.toMatch(/[/\\]/);
        // The characters src/printable.ts names unsafe for a terminal, zero-widths and tags too.
        for (const c of safe) expect(isTerminalUnsafe(c), c.codePointAt(0)!.toString(16)).toBe(false);
        expect(safe.startsWith(".")).toBe(false);
        expect([...safe].length).toBeLessThanOrEqual(120);
        // File systems count bytes: 120 characters of 3 or 4 bytes each would not fit in 255.
        expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(200);
      }),
    );
    expect(safeFileName(`${"€".repeat(119)}.jpg`)).toBe(`${"€".repeat(65)}.jpg`);
    expect(safeFileName("😀".repeat(119))).toBe("😀".repeat(50));
    expect(safeFileName("../../.bashrc")).toBe("bashrc");
    expect(safeFileName("C:\\Users\\x\\foto.jpg")).toBe("foto.jpg");
    expect(safeFileName("\u001b[31mrot.txt")).toBe("[31mrot.txt");
    expect(safeFileName("..")).toBe("file");
    expect(safeFileName("rechnung\u202efdp.exe\u009b")).toBe("rechnungfdp.exe");
    expect(safeFileName("bild\u200b\u2028\ufeff\u{e0041}.jpg")).toBe("bild.jpg");
  });

  it("never overwrite a file or write through a link", async () => {
    const identity = generateIdentity();
    const store = new InboxStore(join(dir, "home"), await identityToRecipient(identity));
    await store.prepare();
    const message: StoredMessage = {
      v: 1,
      id: "a".repeat(32),
      channel: "signal",
      channelType: "signal",
      from: "+4915112345678",
      alias: "k9",
      ids: ["1"],
      arrived: "2026-12-05T10:00:00.000Z",
      files: [
        { name: "bild.jpg", mime: "image/jpeg", size: 3, sha256: "-" },
        { name: "bild.jpg", mime: "image/jpeg", size: 3, sha256: "-" },
      ],
      skipped: [],
    };
    await store.putMessage(message, [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5, 6])]);
    const out = join(dir, "out");
    await mkdir(out);
    await writeFile(join(out, "bild.jpg"), "mine");
    await writeFile(join(dir, "target"), "do not touch");
    await symlink(join(dir, "target"), join(out, "bild-2.jpg"));
    const env = { store, keys: { identities: [identity] } } as unknown as InboxEnv;
    const written = await writeMessageFiles(env, message, out);
    expect(written).toEqual([join(out, "bild-3.jpg"), join(out, "bild-4.jpg")]);
    expect(await readFile(join(out, "bild.jpg"), "utf8")).toBe("mine");
    expect(await readFile(join(dir, "target"), "utf8")).toBe("do not touch");
    expect([...(await readFile(join(out, "bild-3.jpg")))]).toEqual([1, 2, 3]);
    expect([...(await readFile(join(out, "bild-4.jpg")))]).toEqual([4, 5, 6]);
  });

  it("leaves no half-written file when the disk fills up while writing one", async () => {
    const message: StoredMessage = {
      v: 1,
      id: "b".repeat(32),
      channel: "signal",
      channelType: "signal",
      from: "+4915112345678",
      alias: "k9",
      ids: ["2"],
      arrived: "2026-12-05T10:00:00.000Z",
      files: [{ name: "voll.jpg", mime: "image/jpeg", size: 3, sha256: "-" }],
      skipped: [],
    };
    const identity = generateIdentity();
    const store = new InboxStore(join(dir, "home-full"), await identityToRecipient(identity));
    await store.prepare();
    await store.putMessage(message, [new Uint8Array([1, 2, 3])]);
    const out = join(dir, "out-full");
    const probe = await open(join(dir, "probe"), "w");
    const prototype = Object.getPrototypeOf(probe) as FileHandle;
    await probe.close();
    const spy = vi.spyOn(prototype, "writeFile").mockImplementationOnce(async function (this: FileHandle) {
      await this.write(new Uint8Array([1]));
      throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    });
    try {
      const env = { store, keys: { identities: [identity] } } as unknown as InboxEnv;
      // One line naming the file (the shared `unwritableFile`): the disk is full, exit 1.
      await expect(writeMessageFiles(env, message, out)).rejects.toMatchObject({ code: 1, key: "file.noSpace", params: { file: join(out, "voll.jpg") } });
      expect(await readdir(out)).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("inbox serve --listen", () => {
  it("takes HOST:PORT, [IPv6]:PORT and :PORT (loopback), and nothing else", () => {
    expect(parseListen("127.0.0.1:8470")).toEqual({ host: "127.0.0.1", port: 8470 });
    expect(parseListen("[::1]:8470")).toEqual({ host: "::1", port: 8470 });
    expect(parseListen(":9000")).toEqual({ host: "127.0.0.1", port: 9000 });
    for (const bad of ["8470", "host", "127.0.0.1:99999", "127.0.0.1:", "[::1]"]) expect(() => parseListen(bad), bad).toThrow();
  });
});

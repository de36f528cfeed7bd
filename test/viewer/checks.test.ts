/**
 * The viewer's checks after decryption (src/viewer/browser/checks.ts), run in Node on tars
 * made with tar-stream: only the signed manifest's files, regular, once each, with their hashes.
 */
import { pack, type Header } from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePublicKey, generateSigningKey, parsePublicKey, sign } from "../../src/bundle/signature.js";
import { nobleEd25519 } from "../../src/bundle/ed25519-noble.js";
import { checkViewerArchive, ViewerRefusal, type RefusalReason } from "../../src/viewer/browser/checks.js";
import { tempDir } from "../helpers/cli.js";
import { makeFollowUp, type TestFollowUp } from "./fixture.js";
import { readFile } from "node:fs/promises";

type Entry = { header: Partial<Header> & Pick<Header, "name">; data?: Uint8Array };

async function tar(entries: readonly Entry[]): Promise<Uint8Array> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on("data", (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve) => archive.on("end", () => resolve()));
  for (const { header, data } of entries) {
    await new Promise<void>((resolve, reject) => {
      const callback = (e?: Error | null) => (e ? reject(e) : resolve());
      if (data === undefined) archive.entry(header, callback);
      else archive.entry({ ...header, size: data.length }, Buffer.from(data), callback);
    });
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

const file = (name: string, data: Uint8Array): Entry => ({ header: { name, type: "file" }, data });

describe("viewer archive checks", () => {
  let f: TestFollowUp;
  let entries: Entry[];
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await tempDir();
    cleanup = t.cleanup;
    f = await makeFollowUp(t.dir);
    entries = [file("manifest.json", f.followUp.manifestBytes), file("manifest.json.minisig", new TextEncoder().encode(f.followUp.signature))];
    for (const i of f.followUp.items) entries.push(file(i.item.path, await readFile(i.file)));
  });
  afterAll(() => cleanup());

  const key = () => parsePublicKey(f.publicKey);

  async function refusal(list: readonly Entry[] | Uint8Array, k = key()): Promise<RefusalReason> {
    try {
      await checkViewerArchive(list instanceof Uint8Array ? list : await tar(list), k);
    } catch (error) {
      expect(error).toBeInstanceOf(ViewerRefusal);
      return (error as ViewerRefusal).reason;
    }
    throw new Error("expected a refusal");
  }

  it("accepts the follow-up as built, in any order, and returns every item with its bytes", async () => {
    const checked = await checkViewerArchive(await tar([...entries].reverse()), key());
    expect(checked.manifest.message).toBe(f.followUp.manifest.message);
    expect(checked.items.map((i) => i.item.path)).toEqual(f.followUp.manifest.items.map((i) => i.path));
    expect(checked.items.map((i) => i.data.length)).toEqual(f.followUp.manifest.items.map((i) => i.size));
    expect(checked.keyId).toBe(f.followUp.manifest.practice.keyId);
  });

  it("refuses paths outside items/, parent references and absolute paths", async () => {
    for (const name of ["../evil", "/etc/passwd", "items/../manifest.json", "items/sub/x", "items/..", "other.txt", "items\\x"]) {
      expect(await refusal([...entries, file(name, new Uint8Array([1]))]), name).toBe("structure");
    }
  });

  it("refuses links, directories and devices", async () => {
    expect(await refusal([...entries, { header: { name: "items/link", type: "symlink", linkname: "/etc/passwd" } }])).toBe("structure");
    expect(await refusal([...entries, { header: { name: "items/hard", type: "link", linkname: "manifest.json" } }])).toBe("structure");
    expect(await refusal([...entries, { header: { name: "items/", type: "directory" } }])).toBe("structure");
    expect(await refusal([...entries, { header: { name: "items/dev", type: "character-device" } }])).toBe("structure");
  });

  it("refuses an entry that appears twice (a second copy could replace the first)", async () => {
    expect(await refusal([...entries, entries[2]!])).toBe("structure");
    expect(await refusal([...entries, entries[0]!])).toBe("structure");
  });

  it("refuses a file the manifest does not list, and a listed file that is missing", async () => {
    expect(await refusal([...entries, file("items/extra.txt", new Uint8Array([1, 2]))])).toBe("structure");
    expect(await refusal(entries.filter((e) => e.header.name !== "items/flipchart.jpg"))).toBe("item");
    expect(await refusal(entries.filter((e) => e.header.name !== "manifest.json.minisig"))).toBe("structure");
  });

  it("refuses an item with other bytes of the same size", async () => {
    const changed = entries.map((e) => {
      if (e.header.name !== "items/homework.md") return e;
      const data = Uint8Array.from(e.data!);
      data[0] = data[0]! ^ 0x20;
      return file(e.header.name, data);
    });
    expect(await refusal(changed)).toBe("item");
  });

  it("refuses a changed manifest, another signer, and a manifest naming another key", async () => {
    const m = new TextEncoder().encode(new TextDecoder().decode(f.followUp.manifestBytes).replace("Bis bald", "Bis gleich"));
    expect(await refusal(entries.map((e) => (e.header.name === "manifest.json" ? file("manifest.json", m) : e)))).toBe("signature");
    const other = generateSigningKey(nobleEd25519);
    expect(await refusal(entries, other)).toBe("signature");
    // Signed by the right key, but the manifest claims another practice key id.
    const claims = JSON.parse(new TextDecoder().decode(f.followUp.manifestBytes)) as { practice: { keyId: string } };
    claims.practice.keyId = "0000000000000000";
    const bytes = new TextEncoder().encode(JSON.stringify(claims));
    const forged = [file("manifest.json", bytes), file("manifest.json.minisig", new TextEncoder().encode(sign(f.key, bytes, "x", nobleEd25519))), ...entries.slice(2)];
    expect(await refusal(forged)).toBe("manifest");
    // Right key id, but another public key written into the manifest.
    const claims2 = JSON.parse(new TextDecoder().decode(f.followUp.manifestBytes)) as { practice: { minisignPublicKey: string } };
    claims2.practice.minisignPublicKey = encodePublicKey(generateSigningKey(nobleEd25519)).split("\n")[1]!;
    const bytes2 = new TextEncoder().encode(JSON.stringify(claims2));
    const forged2 = [file("manifest.json", bytes2), file("manifest.json.minisig", new TextEncoder().encode(sign(f.key, bytes2, "x", nobleEd25519))), ...entries.slice(2)];
    expect(await refusal(forged2)).toBe("manifest");
  });

  it("refuses a damaged or truncated tar", async () => {
    const whole = await tar(entries);
    const damaged = Uint8Array.from(whole);
    damaged[100] = damaged[100]! ^ 0xff; // inside the first header: checksum fails
    expect(await refusal(damaged)).toBe("structure");
    expect(await refusal(whole.slice(0, 700))).toBe("structure");
  });
});

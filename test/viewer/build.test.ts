/** The viewer page as built in Node: its CSP, its data blocks, its file, its size limits. */
import { createHash } from "node:crypto";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Decrypter } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { buildViewer, VIEWER_SCRYPT_LOG_N, viewerFileName, viewerLimitBytes, viewerScryptLogN, writeViewerFile } from "../../src/viewer/build.js";
import { checkViewerArchive } from "../../src/viewer/browser/checks.js";
import { parsePublicKey } from "../../src/bundle/signature.js";
import { tempDir } from "../helpers/cli.js";
import { missing } from "../helpers/tools.js";
import { MESSAGE, makeFollowUp, type TestFollowUp } from "./fixture.js";

const sha = (text: string) => createHash("sha256").update(text, "utf8").digest("base64");

describe.skipIf(missing("ffmpeg"))("building the viewer", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let f: TestFollowUp;
  const options = () => ({ followUp: f.followUp, minisignPublicKey: f.publicKey, passphrase: "Sommer am See 2026", scryptLogN: 10 });

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    f = await makeFollowUp(dir);
  });
  afterAll(() => cleanup());

  it("allows exactly its own script and style by hash, and nothing from anywhere", async () => {
    const html = await buildViewer(options());
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? "";
    expect(html.indexOf("Content-Security-Policy")).toBeLessThan(html.indexOf("<style>"));
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    expect(styles).toHaveLength(1);
    expect(csp.split("; ")).toEqual([
      "default-src 'none'",
      `script-src 'sha256-${sha(scripts[0]!)}'`,
      `style-src 'sha256-${sha(styles[0]!)}'`,
      "img-src blob:",
      "media-src blob:",
      "base-uri 'none'",
      "form-action 'none'",
    ]);
    // Outside the script: no element that could load anything.
    const markup = html.replace(scripts[0]!, "");
    expect(markup).not.toMatch(/\b(?:src|href)=/);
    expect(markup).not.toMatch(/<(?:link|img|iframe|object|embed|base)\b/);
  });

  it("carries the follow-up as an age scrypt file that opens to exactly the signed tar", async () => {
    const html = await buildViewer(options());
    const payload = /id="nk-payload">([^<]*)<\/script>/.exec(html)?.[1] ?? "";
    const age = Buffer.from(payload.replace(/\s+/g, ""), "base64");
    expect(age.subarray(0, 22).toString()).toBe("age-encryption.org/v1\n");
    expect(age.toString("latin1")).toMatch(/\n-> scrypt [A-Za-z0-9+/]{22} 10\n/);
    const d = new Decrypter();
    d.addPassphrase("Sommer am See 2026");
    const checked = await checkViewerArchive(await d.decrypt(age), parsePublicKey(f.publicKey));
    expect(checked.manifest.message).toBe(MESSAGE);
    expect(checked.items).toHaveLength(f.followUp.items.length);
    for (const [i, item] of checked.items.entries()) expect(Buffer.from(item.data).equals(await readFile(f.followUp.items[i]!.file))).toBe(true);
  });

  it("uses work factor 17 unless the test-only variable lowers it", () => {
    expect(VIEWER_SCRYPT_LOG_N).toBe(17);
    expect(viewerScryptLogN({})).toBe(17);
    expect(viewerScryptLogN({ NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: "10" })).toBe(10);
    expect(() => viewerScryptLogN({ NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: "30" })).toThrow();
  });

  it("writes <bundle-id>.html, private, never over another file", async () => {
    const out = join(dir, "out");
    await import("node:fs/promises").then((fs) => fs.mkdir(out));
    const path = await writeViewerFile(out, options());
    expect(path).toBe(join(out, viewerFileName(f.followUp.manifest.id)));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await expect(writeViewerFile(out, options())).rejects.toMatchObject({ code: 2, key: "file.exists" });
  });

  it("warns above 20 MB and refuses above the limit (exit 4), before encrypting", async () => {
    expect(viewerLimitBytes(undefined)).toBe(60 * 1024 * 1024);
    expect(viewerLimitBytes(5)).toBe(5 * 1024 * 1024);
    expect(viewerLimitBytes("lots")).toBe(60 * 1024 * 1024);
    // Written as a string in config.json: taken (it was the default, silently).
    expect(viewerLimitBytes("30")).toBe(30 * 1024 * 1024);
    const refused = await buildViewer({ ...options(), limitBytes: 100_000 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UserError);
    expect(refused).toMatchObject({ code: 4, key: "viewer.tooLarge" });
    // A size just over the limit never reads as the limit itself ("53.8 MB, above the limit of 53.8 MB").
    const { size, limit } = (refused as UserError).params as { size: string; limit: string };
    expect(Number(size)).toBeGreaterThan(Number(limit));

    const bigFile = join(dir, "big.bin");
    const big = new Uint8Array(16 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 65536) big.set(createHash("sha256").update(String(i)).digest(), i);
    await writeFile(bigFile, big);
    const item = { path: "items/big.bin", kind: "file" as const, mime: "application/octet-stream", size: big.length, sha256: createHash("sha256").update(big).digest("hex") };
    const warnings: string[] = [];
    const html = await buildViewer({ ...options(), followUp: { ...f.followUp, items: [{ item, file: bigFile }] }, warn: (key) => warnings.push(key) });
    expect(Buffer.byteLength(html)).toBeGreaterThan(20 * 1024 * 1024);
    expect(warnings).toEqual(["viewer.large"]);
  });
});

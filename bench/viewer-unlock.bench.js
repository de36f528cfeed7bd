// How long the offline viewer takes to open in Chromium, per scrypt work factor (log2 N), with
// node:crypto's scrypt (OpenSSL, same parameters) measured in the same run as the reference.
/* global document */
// NACHKLANG_BENCH_VIEWER_LOGN=15,16 limits the factors; the documented figure uses 15–18.
import { scryptSync } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { chromium } from "playwright-core";
import { buildViewer } from "../dist/viewer/build.js";
import { encodePublicKey, formatKeyId, generateSigningKey, sign } from "../dist/bundle/signature.js";
import { nodeEd25519 } from "../dist/bundle/ed25519-node.js";

if (!existsSync("/usr/bin/chromium")) {
  console.log("SKIPPED: /usr/bin/chromium is not installed (.ci/run installs it).");
  process.exit(0);
}
const factors = (process.env.NACHKLANG_BENCH_VIEWER_LOGN ?? "15,16,17,18").split(",").map(Number);
const runs = 3;
const dir = await mkdtemp(join(tmpdir(), "nachklang-bench-"));
try {
  const key = generateSigningKey(nodeEd25519);
  const text = new TextEncoder().encode("A short homework text.\n");
  const file = join(dir, "homework.txt");
  await writeFile(file, text);
  const item = { path: "items/homework.txt", kind: "homework", mime: "text/plain", size: text.length, sha256: createHash("sha256").update(text).digest("hex") };
  const manifest = {
    format: "nachklang-bundle", version: 1, id: "01jdz3k6q8m2v4x7c9b5n1t0aa", created: new Date().toISOString(),
    practice: { name: "Bench", keyId: formatKeyId(key.keyId), minisignPublicKey: encodePublicKey(key).split("\n")[1], ageRecipient: "age1bench" },
    client: "bench", lang: "en", message: "Benchmark", items: [item],
  };
  const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest));
  const followUp = { manifest, manifestBytes, signature: sign(key, manifestBytes, "bench", nodeEd25519), items: [{ item, file }] };
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  console.log("logN  memory    chromium (median of 3)   node:crypto scrypt   ratio");
  for (const logN of factors) {
    const html = await buildViewer({ followUp, practiceName: "Bench", minisignPublicKey: encodePublicKey(key), passphrase: "bench-pass", scryptLogN: logN });
    const page = join(dir, `v${logN}.html`);
    await writeFile(page, html);
    const times = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      const tab = await context.newPage();
      await tab.goto(`file://${page}`);
      await tab.fill("#nk-passphrase", "bench-pass");
      const t0 = Date.now();
      await tab.click("#nk-form button");
      await tab.waitForFunction(() => document.body.dataset.state === "open", undefined, { timeout: 120_000 });
      times.push((Date.now() - t0) / 1000);
      await context.close();
    }
    times.sort((a, b) => a - b);
    const t1 = process.hrtime.bigint();
    scryptSync("bench-pass", "salt", 32, { N: 2 ** logN, r: 8, p: 1, maxmem: 2 ** logN * 1024 + 2 ** 24 });
    const ref = Number(process.hrtime.bigint() - t1) / 1e9;
    const median = times[1];
    console.log(`${String(logN).padEnd(5)} ${String(2 ** logN / 1024).padStart(4)} MiB  ${median.toFixed(2).padStart(8)} s               ${ref.toFixed(2).padStart(6)} s         ${(median / ref).toFixed(1)}x`);
  }
  await browser.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}

// @ts-check
// How long the offline viewer takes to open in Chromium, per scrypt work factor (log2 N), with
// node:crypto's scrypt (OpenSSL, same parameters) measured in the same run as the reference.
// The pages are made by the real CLI (`nachklang viewer`), their work factor chosen with the
// test-only variable. NACHKLANG_BENCH_VIEWER_LOGN=15,16 limits the factors; docs/viewer.md uses 15–18.
/* global document */
import { scryptSync } from "node:crypto";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { fmt, median, nachklang, practice, workDir } from "./lib.js";

if (!existsSync("/usr/bin/chromium")) {
  console.log("SKIPPED: /usr/bin/chromium is not installed (.ci/run installs it).");
  process.exit(0);
}
const factors = (process.env.NACHKLANG_BENCH_VIEWER_LOGN ?? "15,16,17,18").split(",").map(Number);
const runs = 3;
const dir = workDir("viewer");
try {
  const { env } = practice(join(dir, "home"));
  const homework = join(dir, "homework.txt");
  writeFileSync(homework, "A short homework text.\n");
  const bundle = join(dir, "homework.age");
  nachklang(["seal", homework, "--to", "b1", "--out", bundle], { env });
  const passphraseFile = join(dir, "viewer-passphrase.txt");
  writeFileSync(passphraseFile, "bench-viewer-pass\n");

  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  console.log("logN  memory    chromium (median of 3)   node:crypto scrypt   ratio");
  for (const logN of factors) {
    const page = join(dir, `v${logN}.html`);
    nachklang(["viewer", bundle, "--out", page, "--viewer-passphrase-file", passphraseFile], { env: { ...env, NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: String(logN) } });
    /** @type {number[]} */
    const times = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      const tab = await context.newPage();
      await tab.goto(`file://${page}`);
      await tab.fill("#nk-passphrase", "bench-viewer-pass");
      const t0 = Date.now();
      await tab.click("#nk-form button");
      await tab.waitForFunction(() => document.body.dataset.state === "open", undefined, { timeout: 120_000 });
      times.push((Date.now() - t0) / 1000);
      await context.close();
    }
    const t1 = process.hrtime.bigint();
    scryptSync("bench-viewer-pass", "salt", 32, { N: 2 ** logN, r: 8, p: 1, maxmem: 2 ** logN * 1024 + 2 ** 24 });
    const reference = Number(process.hrtime.bigint() - t1) / 1e9;
    const m = median(times);
    console.log(`${String(logN).padEnd(5)} ${String(2 ** logN / 1024).padStart(4)} MiB  ${fmt(m).padStart(8)} s               ${fmt(reference).padStart(6)} s         ${fmt(m / reference, 1)}x`);
  }
  await browser.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

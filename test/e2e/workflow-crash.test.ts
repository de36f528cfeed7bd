/**
 * Crash safety: a batch of 20 follow-ups killed with SIGKILL at random moments, then run again.
 * Afterwards every follow-up exists exactly once in the hand-off folder and the ledger agrees.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { spawn } from "node:child_process";
import { cp, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { foldLedger, Ledger } from "../../src/delivery/ledger.js";
import { verifyBundle } from "../../src/bundle/open.js";
import { unlockKeyring } from "../../src/practice/keyring.js";
import { ClientRegistry } from "../../src/practice/clients.js";
import { withConsent } from "../../src/practice/consent.js";
import { BIN, FIXTURES, PASSPHRASE, ROOT, initHome, runCli, tempDir } from "../helpers/cli.js";

const CLIENTS = Array.from({ length: 20 }, (_, i) => `k${String(i + 1).padStart(3, "0")}`);
/**
 * Trials, each killed in its own slice of a full run (stratified): six slices between 5 % and
 * 95 % reach every phase of the batch (preparing, sealing, queueing, delivering, recording)
 * that ten random moments reached, without leaving a phase to chance.
 */
const TRIALS = Number(process.env.NACHKLANG_CRASH_TRIALS ?? 6);

let template: string;
let cleanups: (() => Promise<void>)[] = [];
let scratch: string;

/**
 * The batches' temporary folders go into the scratch folder: a process killed with SIGKILL
 * cannot remove its own; the next run must (src/temp.ts), and the test checks that it did.
 */
function env(home: string): NodeJS.ProcessEnv {
  return { ...process.env, NACHKLANG_HOME: home, NACHKLANG_PASSPHRASE: PASSPHRASE, NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: "10", LANG: "en_US.UTF-8", TMPDIR: join(scratch, "tmp") };
}

/** Run the batch; kill it with SIGKILL after `killAfterMs` (if given). Resolves with the exit code or signal. */
function runBatch(home: string, file: string, killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, "batch", file], { cwd: ROOT, env: env(home), stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      if (code !== null && code !== 0) console.error(stderr);
      resolve({ code, signal, ms: Date.now() - started });
    });
  });
}

beforeAll(async () => {
  const init = await initHome();
  template = init.home;
  cleanups.push(init.cleanup);
  const t = await tempDir();
  scratch = t.dir;
  cleanups.push(t.cleanup);
  await mkdir(join(scratch, "tmp"));
  // The clients are made in-process (the CLI's own registry code, as `client add` and `consent
  // record` use it): what is tested here is the batch, not twenty start-ups of the CLI.
  const keyring = await unlockKeyring(join(template, "keyring.age"), PASSPHRASE);
  const clients = await ClientRegistry.load(join(template, "clients.age"), keyring.ageIdentity, keyring.ageRecipient);
  for (const alias of CLIENTS) {
    // An age key of their own: the folder channel hands over the sealed bundle.
    const client = { alias, lang: "de" as const, ageRecipient: await identityToRecipient(generateIdentity()), pinnedKeys: {}, consents: [], created: new Date().toISOString() };
    await clients.put(withConsent(client, "folder", "2026-11-01", "1"));
  }
  const listed = await runCli(["client", "list"], { home: template });
  expect(listed.stdout.match(/\bk0\d\d\b/g)?.length, listed.stderr).toBe(CLIENTS.length);
  await cp(join(FIXTURES, "tiny.jpg"), join(template, "board.jpg"));
  await writeFile(
    join(template, "batch.yaml"),
    ["defaults:", "  photos: [board.jpg]", "followups:", ...CLIENTS.flatMap((c) => [`  - client: ${c}`, `    note: "Nachklang für ${c}"`])].join("\n") + "\n",
  );
}, 600_000);
afterAll(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

async function check(home: string): Promise<void> {
  const keyring = await unlockKeyring(join(home, "keyring.age"), PASSPHRASE);
  const files = (await readdir(join(home, "handoff"))).filter((f) => !f.endsWith(".partial"));
  const notes = await Promise.all(
    files.map(async (f) => (await verifyBundle(join(home, "handoff", f), { keys: { identities: [keyring.ageIdentity] }, signer: keyring.signing })).manifest.message.split("\n\n")[1]),
  );
  // Every follow-up exactly once at the destination.
  expect(notes.sort()).toEqual(CLIENTS.map((c) => `Nachklang für ${c}`).sort());
  // The ledger agrees: 20 follow-ups, all sent, each with the bundle that is in the folder.
  const read = await new Ledger(join(home, "ledger")).read();
  const states = [...foldLedger(read.events).values()];
  expect(states).toHaveLength(20);
  expect(states.every((s) => s.state === "sent")).toBe(true);
  expect(states.map((s) => `${s.bundle}.age`).sort()).toEqual(files.sort());
}

describe("crash safety", () => {
  it(`a batch of 20 killed with SIGKILL at a random moment in each of ${TRIALS} slices of a run is delivered exactly once after a re-run`, async () => {
    // Calibrate: how long does an uninterrupted run take here?
    const calibration = join(scratch, "calibration");
    await cp(template, calibration, { recursive: true });
    const full = await runBatch(calibration, join(calibration, "batch.yaml"));
    expect(full.code).toBe(0);
    await check(calibration);
    let killed = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const home = join(scratch, `trial-${trial}`);
      // Kill at a random moment of this trial's slice of 5 %–95 % of a full run. The machine's
      // speed varies: a run that finished before its kill moment is started afresh with an
      // earlier moment, so every trial is killed.
      let at = Math.round(full.ms * (0.05 + (0.9 * (trial + Math.random())) / TRIALS));
      for (let attempt = 0; attempt < 6; attempt++) {
        await rm(home, { recursive: true, force: true });
        await cp(template, home, { recursive: true });
        const r = await runBatch(home, join(home, "batch.yaml"), at);
        if (r.signal === "SIGKILL") {
          killed++;
          break;
        }
        at = Math.round(at * 0.6);
      }
      // Once in a while a second kill while finishing the interrupted run.
      if (trial % 3 === 0) await runBatch(home, join(home, "batch.yaml"), Math.round(full.ms * Math.random() * 0.5));
      const rerun = await runBatch(home, join(home, "batch.yaml"));
      expect(rerun.code, `trial ${trial}`).toBe(0);
      await check(home);
      // A third run sends nothing.
      const third = await runBatch(home, join(home, "batch.yaml"));
      expect(third.code).toBe(0);
      await check(home);
      // No plaintext left behind: the runs after a kill removed what the killed ones left in the
      // temporary folder and in the outbox's staging.
      expect(await readdir(join(scratch, "tmp")), `trial ${trial}`).toEqual([]);
      expect((await readdir(join(home, "outbox"))).filter((n) => n.startsWith(".staging-")), `trial ${trial}`).toEqual([]);
    }
    expect(killed).toBeGreaterThanOrEqual(TRIALS);
  }, 1_200_000);
});

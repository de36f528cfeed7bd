/**
 * Trust through the real CLI (issue 19): a forged bundle on the client's path, a wrong-key bundle
 * that must write nothing (under a file-size limit far below its size), transport over plain
 * http, weak keyrings, plaintext left by killed runs, damaged home files, and note files.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cp, mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSafeServiceUrl } from "../../src/channels/transport.js";
import { BIN, FIXTURES, PASSPHRASE, initHome, runCli, tempDir, type CliResult } from "../helpers/cli.js";
import { missing } from "../helpers/tools.js";

let scratch: string;
let cleanupScratch: () => Promise<void>;
/** A practice with client k042 (who has an age key) and folder consent. */
let practiceHome: string;
let cleanupPractice: () => Promise<void>;
let clientKey: string;
let clientRecipient: string;

function oneLine(r: CliResult, code: number, pattern: RegExp): void {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(code);
  expect(r.stderr.trimEnd().split("\n"), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr.trimEnd()).toMatch(pattern);
}

async function ok(args: string[], home: string, env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const r = await runCli(args, { home, env });
  if (r.code !== 0) throw new Error(`${args.join(" ")} → ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** A copy of the practice home, to damage or change without touching the others. */
let copies = 0;
async function copyOfPractice(): Promise<string> {
  const home = join(scratch, `copy-${copies++}`, "home");
  await cp(practiceHome, home, { recursive: true });
  return home;
}

/** The practice's language set to German (as `init --lang de` would), for its messages. */
async function speakGerman(home: string): Promise<void> {
  const file = join(home, "config.json");
  await writeFile(file, JSON.stringify({ ...(JSON.parse(await readFile(file, "utf8")) as object), lang: "de" }));
}

async function fingerprintOf(home: string): Promise<string> {
  return (JSON.parse((await ok(["--json", "keys", "show"], home)).stdout) as { fingerprint: string }).fingerprint;
}

beforeAll(async () => {
  ({ dir: scratch, cleanup: cleanupScratch } = await tempDir());
  ({ home: practiceHome, cleanup: cleanupPractice } = await initHome("Praxis Echt"));
  const identity = await generateX25519Identity();
  clientRecipient = await identityToRecipient(identity);
  clientKey = join(scratch, "client.key");
  await writeFile(clientKey, `# the client's own key\n${identity}\n`);
  await ok(["client", "add", "k042", "--lang", "en", "--age-recipient", clientRecipient], practiceHome);
  await ok(["consent", "record", "k042", "--channel", "folder"], practiceHome);
  await writeFile(join(scratch, "board.txt"), "Unser Bild von heute\n");
});
afterAll(async () => {
  await cleanupPractice();
  await cleanupScratch();
});

describe("a forged bundle on the client's path", () => {
  let genuine: string;
  let forged: string;
  let realPub: string;

  beforeAll(async () => {
    genuine = join(scratch, "genuine.age");
    await ok(["seal", join(scratch, "board.txt"), "--to", "k042", "--note", "See you next week", "--out", genuine], practiceHome);
    realPub = join(scratch, "real.pub");
    await ok(["keys", "export", "--minisign", realPub], practiceHome);
    // A second practice that knows the client's public key (it is no secret) and uses the same name.
    const { home: forger, cleanup } = await initHome("Praxis Echt");
    try {
      await ok(["client", "add", "k042", "--lang", "en", "--age-recipient", clientRecipient], forger);
      forged = join(scratch, "forged.age");
      await ok(["seal", join(scratch, "board.txt"), "--to", "k042", "--note", "New bank details: please transfer the fee to …", "--out", forged], forger);
    } finally {
      await cleanup();
    }
  });

  const asClient = (args: string[], cwd = scratch) => runCli(args, { home: join(scratch, "client-home"), cwd, env: { NACHKLANG_PASSPHRASE: undefined } });

  it("without --signer: exit 2, one line saying how to get the practice's key; nothing opened", async () => {
    const work = join(scratch, "client-a");
    await mkdir(work);
    for (const command of ["open", "verify"]) {
      oneLine(await asClient([command, forged, "--identity", clientKey], work), 2, /needs the practice's signing key: --signer .*--signer-fingerprint .*'nachklang keys show'.*consent information/);
    }
    expect(await readdir(work)).toEqual([]);
  });

  it("with the real practice's key or fingerprint: exit 5, nothing written; the genuine bundle opens, naming the key that verified", async () => {
    const work = join(scratch, "client-b");
    await mkdir(work);
    const fingerprint = await fingerprintOf(practiceHome);
    for (const signer of [["--signer", realPub], ["--signer-fingerprint", fingerprint]]) {
      oneLine(await asClient(["open", forged, "--identity", clientKey, ...signer, "--out", join(work, "out")], work), 5, /signed by a different key than expected; refused, nothing was written/);
      oneLine(await asClient(["verify", forged, "--identity", clientKey, ...signer], work), 5, /signed by a different key/);
    }
    expect(await readdir(work)).toEqual([]);
    const opened = await asClient(["open", genuine, "--identity", clientKey, "--signer-fingerprint", fingerprint.toUpperCase().replace(/(.{4})(?!$)/g, "$1 "), "--out", join(work, "out")], work);
    expect(opened.code, opened.stderr).toBe(0);
    const grouped = fingerprint.toUpperCase().replace(/(.{4})(?!$)/g, "$1 ");
    expect(opened.stdout).toMatch(new RegExp(`^Signed by Praxis Echt with key [0-9A-F]{16} \\(fingerprint ${grouped}\\) on `));
    expect(opened.stdout).toContain("Sealed for this key.");
    expect(opened.stdout).toContain("  │ See you next week");
    expect(await readFile(join(work, "out", "items", "board.txt"), "utf8")).toBe("Unser Bild von heute\n");
  });

  it("keys show prints the fingerprint grouped, and the consent information carries it", async () => {
    const fingerprint = await fingerprintOf(practiceHome);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const grouped = fingerprint.toUpperCase().replace(/(.{4})(?!$)/g, "$1 ");
    expect((await ok(["keys", "show"], practiceHome)).stdout).toContain(`Fingerprint:      ${grouped}`);
    for (const lang of ["en", "de"]) {
      const consent = await ok(["templates", "render", "consent-info", "--lang", lang, "--var", "channel=threema"], practiceHome);
      expect(consent.stdout).toContain(grouped);
      expect(consent.stdout).toContain("--signer-fingerprint");
    }
  });
});

describe("a wrong-key bundle writes nothing: opened under a file-size limit far below its size", () => {
  /** Run the real CLI with `ulimit -f` (512-byte blocks in sh): any file written past it kills the process or fails the write. */
  function underFileLimit(blocks: number, args: string[], home: string, cwd: string): Promise<CliResult & { signal: NodeJS.Signals | null }> {
    return new Promise((resolve, reject) => {
      const child = spawn("sh", ["-c", `ulimit -f ${blocks} && exec "$0" "$@"`, process.execPath, BIN, ...args], {
        cwd,
        env: { ...process.env, NACHKLANG_HOME: home, NACHKLANG_PASSPHRASE: PASSPHRASE, NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: "10", LANG: "en_US.UTF-8" },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      child.on("error", reject);
      child.on("close", (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
    });
  }

  it("a 100 MiB bundle signed by another practice is refused (exit 5) before a byte of it is written", async () => {
    const big = join(scratch, "big.bin");
    await writeFile(big, randomBytes(100 * 1024 * 1024));
    const { home: forger, cleanup } = await initHome("Praxis Falsch");
    const forged = join(scratch, "big-forged.age");
    const genuine = join(scratch, "big-genuine.age");
    try {
      // The forger knows only the practice's public age recipient.
      const { ageRecipient } = JSON.parse((await ok(["--json", "keys", "show"], practiceHome)).stdout) as { ageRecipient: string };
      await ok(["client", "add", "victim", "--age-recipient", ageRecipient], forger);
      await ok(["seal", big, "--to", "victim", "--out", forged], forger);
      await ok(["seal", big, "--to", "k042", "--out", genuine], practiceHome);
    } finally {
      await cleanup();
    }
    expect((await stat(forged)).size).toBeGreaterThan(100 * 1024 * 1024);
    const work = join(scratch, "limited");
    await mkdir(work);
    const limit = 8192; // 4 MiB
    const refused = await underFileLimit(limit, ["open", forged, "--out", join(work, "out")], practiceHome, work);
    expect(refused.signal).toBeNull();
    oneLine(refused, 5, /signed by a different key than expected; refused, nothing was written/);
    expect(await readdir(work)).toEqual([]);
    // Control: the limit is real — the genuine bundle, which may be written, hits it.
    const hits = await underFileLimit(limit, ["open", genuine, "--out", join(work, "genuine")], practiceHome, work);
    expect(hits.code === 0 && hits.signal === null).toBe(false);
  }, 180_000);
});

describe("transport: https, or plain http only to this machine", () => {
  it("knows loopback from everything else", () => {
    for (const url of ["https://msgapi.threema.ch", "https://192.0.2.2:8443", "http://127.0.0.1:8080", "http://127.8.9.10", "http://localhost:8080", "http://[::1]:8080"]) {
      expect(isSafeServiceUrl(url), url).toBe(true);
    }
    for (const url of ["http://192.0.2.2:8098", "http://10.0.0.1", "http://localhost.example.org", "http://127.0.0.1.nip.io", "http://[::2]", "ftp://127.0.0.1", "https://user:pw@example.org", "not a url"]) {
      expect(isSafeServiceUrl(url), url).toBe(false);
    }
  });

  it("channels add refuses http to another host for Signal and Threema (exit 2, one line), and accepts loopback", async () => {
    const home = await copyOfPractice();
    oneLine(await runCli(["channels", "add", "signal", "--name", "sig", "--account", "+4930123456", "--rpc-url", "http://192.0.2.2:8098"], { home }), 2, /'http:\/\/192\.0\.2\.2:8098': signal-cli must be reached over https/);
    const secret = join(scratch, "threema-secret.txt");
    const key = join(scratch, "threema-key.txt");
    await writeFile(secret, "secret123\n");
    await writeFile(key, `private:${"11".repeat(32)}\n`);
    oneLine(
      await runCli(["channels", "add", "threema", "--gateway-id", "*ABCDEFG", "--secret-file", secret, "--private-key-file", key, "--api-url", "http://192.0.2.2/"], { home }),
      2,
      /Threema Gateway must be reached over https/,
    );
    oneLine(await runCli(["--lang", "de", "channels", "add", "signal", "--name", "sig", "--account", "+4930123456", "--rpc-url", "http://10.1.2.3:8080"], { home }), 2, /nur über https erreichbar/);
    expect((await runCli(["channels", "add", "signal", "--name", "local", "--account", "+4930123456", "--rpc-url", "http://127.0.0.1:8080"], { home })).code).toBe(0);
    expect((await readFile(join(home, "config.json"), "utf8")).includes("192.0.2.2")).toBe(false);
  });

  it("an older config with http to another host is refused again at delivery (exit 2), before anything is sent", async () => {
    const home = await copyOfPractice();
    await ok(["consent", "record", "k042", "--channel", "signal"], home);
    // Queue one follow-up for later, then put the bad channel into the config as an older version could have.
    await ok(["send", "k042", "--note", "Bis bald", "--at", "2099-01-01 09:00", "--yes"], home);
    const config = JSON.parse(await readFile(join(home, "config.json"), "utf8")) as Record<string, unknown>;
    config.channels = { sig: { type: "signal", settings: { account: "+4930123456", rpcUrl: "http://192.0.2.2:8098" } } };
    await writeFile(join(home, "config.json"), JSON.stringify(config));
    oneLine(await runCli(["send", "k042", "--note", "Hallo", "--channel", "sig", "--now", "--yes"], { home }), 2, /Channel 'sig': invalid setting \(rpcUrl: must be https/);
    oneLine(await runCli(["channels", "test", "sig"], { home }), 2, /Channel 'sig': invalid setting/);
    oneLine(await runCli(["outbox", "flush"], { home, env: { NACHKLANG_NOW: "2099-01-02T10:00:00+01:00" } }), 2, /Channel 'sig': invalid setting/);
    const states = JSON.parse((await ok(["--json", "status"], home)).stdout) as { state: string }[];
    expect(states.map((s) => s.state)).toEqual(["queued"]);
  });
});

describe("weak keyrings are loud", () => {
  const production = { NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: undefined };

  it("every command that reads the keyring warns once, unless the test-only variable is set; doctor fails either way", async () => {
    const home = await copyOfPractice();
    const status = await runCli(["status"], { home, env: production });
    expect(status.code, status.stderr).toBe(0);
    const warnings = status.stderr.trimEnd().split("\n");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Warning: .*keyring\.age is protected with work factor 10 only \(default 18\).*'nachklang keys strengthen'/);
    const list = await runCli(["client", "list"], { home, env: production });
    expect(list.stderr.trimEnd().split("\n")).toHaveLength(1);
    // While the test-only variable is set, no warning (tests would drown in it) …
    expect((await runCli(["status"], { home })).stderr).toBe("");
    // … but doctor fails on it in every case.
    for (const env of [production, {}]) {
      const doctor = await runCli(["doctor"], { home, env });
      expect(doctor.code, doctor.stdout).toBe(1);
      expect(doctor.stdout).toMatch(/^✗ Keyring .*keyring\.age: work factor 10 is below the default 18/m);
    }
  });

  it("keys strengthen encrypts it again at 18: the warning and the doctor failure are gone", async () => {
    const home = await copyOfPractice();
    const strengthened = await runCli(["keys", "strengthen"], { home, env: production });
    expect(strengthened.code, strengthened.stderr).toBe(0);
    expect(strengthened.stdout).toContain("now protected with work factor 18");
    const status = await runCli(["status"], { home, env: production });
    expect(status.code).toBe(0);
    expect(status.stderr).toBe("");
    const doctor = await runCli(["doctor"], { home, env: production });
    expect(doctor.stdout).toMatch(/^✓ Keyring .*: encrypted, work factor 18\.$/m);
  }, 60_000);
});

describe("plaintext left by killed runs is swept by the next command", () => {
  /** A process id that certainly ran and is gone now. */
  async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ["-e", "0"]);
    const pid = child.pid!;
    await new Promise((resolve) => child.on("close", resolve));
    return pid;
  }

  async function waitFor(check: () => Promise<boolean>, child: ChildProcess, what: string): Promise<void> {
    for (let i = 0; i < 3000; i++) {
      if (await check()) return;
      if (child.exitCode !== null) throw new Error(`${what}: the process ended (${child.exitCode}) first`);
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`${what}: timed out`);
  }

  it("`open` killed with SIGKILL while staging beside its target: `status` removes the staged plaintext; the list names no place in plain text", async () => {
    const home = await copyOfPractice();
    const big = join(scratch, "sweep-big.bin");
    await writeFile(big, randomBytes(64 * 1024 * 1024));
    const bundle = join(scratch, "sweep-big.age");
    await ok(["seal", big, "--to", "k042", "--out", bundle], home);
    // The target's folder names a client, as practitioners' folders do.
    const parent = join(scratch, "Klientin-Mueller-Erika");
    await mkdir(parent);
    const child = spawn(process.execPath, [BIN, "open", bundle, "--out", join(parent, "opened")], {
      env: { ...process.env, NACHKLANG_HOME: home, NACHKLANG_PASSPHRASE: PASSPHRASE, NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: "10" },
      stdio: "ignore",
    });
    const staged = async () => {
      for (const name of await readdir(parent)) {
        if (!name.startsWith(".nachklang-open-")) continue;
        const item = join(parent, name, "items", "sweep-big.bin");
        if (((await stat(item).catch(() => undefined))?.size ?? 0) > 1024 * 1024) return true;
      }
      return false;
    };
    await waitFor(staged, child, "staging");
    child.kill("SIGKILL");
    await new Promise((resolve) => child.on("close", resolve));
    expect((await readdir(parent)).filter((n) => n.startsWith(".nachklang-open-"))).toHaveLength(1);
    // Listed in the home, sealed: no file there names the folder.
    const listed = await readdir(join(home, "staging"));
    expect(listed).toHaveLength(1);
    expect((await readFile(join(home, "staging", listed[0]!))).includes("Mueller")).toBe(false);
    const doctor = await runCli(["doctor"], { home, env: { NACHKLANG_PASSPHRASE: undefined } });
    expect(doctor.stdout).toContain("1 staging place of interrupted runs is listed");

    const status = await runCli(["status"], { home });
    expect(status.code, status.stderr).toBe(0);
    expect(await readdir(parent)).toEqual([]);
    expect(await readdir(join(home, "staging"))).toEqual([]);
  }, 120_000);

  it("leftovers of dead runs in the temp folder and the outbox are removed by status, verify and doctor; live ones and others' are not", async () => {
    const home = await copyOfPractice();
    const tmp = join(scratch, "tmp-sweep");
    await mkdir(tmp);
    const dead = await deadPid();
    const leftover = async (parentDir: string, name: string) => {
      const dir = join(parentDir, name);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(join(dir, "plaintext.txt"), "Notiz für Frau M.", { mode: 0o600 });
      return name;
    };
    const bundle = join(scratch, "sweep-small.age");
    await ok(["seal", join(scratch, "board.txt"), "--to", "k042", "--out", bundle], home);
    for (const command of [["status"], ["verify", bundle], ["doctor"]]) {
      const viewer = await leftover(tmp, `nachklang-viewer-pid${dead}-abc123`);
      const opened = await leftover(tmp, `nachklang-open-pid${dead}-def456`);
      const live = await leftover(tmp, `nachklang-open-pid${process.pid}-ghi789`);
      const foreign = await leftover(tmp, `other-tool-pid${dead}-jkl012`);
      const staging = await leftover(join(home, "outbox"), `.staging-pid${dead}-mno345`);
      const r = await runCli(command, { home, env: { TMPDIR: tmp } });
      expect(r.code === 0 || command[0] === "doctor", `${command.join(" ")}: ${r.stderr}`).toBe(true);
      const left = await readdir(tmp);
      expect(left, command.join(" ")).not.toContain(viewer);
      expect(left, command.join(" ")).not.toContain(opened);
      expect(left).toContain(live);
      expect(left).toContain(foreign);
      expect(await readdir(join(home, "outbox"))).not.toContain(staging);
    }
  });

  it.skipIf(missing("ffmpeg"))("temporary files are 0600 inside 0700 folders: the processed audio too", async () => {
    const home = await copyOfPractice();
    const wav = join(scratch, "tone.wav");
    const ffmpeg = spawn("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-y", wav]);
    expect(await new Promise((resolve) => ffmpeg.on("close", resolve))).toBe(0);
    const out = join(scratch, "preview", "tone.m4a");
    // A permissive umask, as a user's shell may have: the results are still private.
    const r = await new Promise<CliResult>((resolve) => {
      const child = spawn("sh", ["-c", 'umask 022 && exec "$0" "$@"', process.execPath, BIN, "media", "audio", wav, "--out", out], {
        env: { ...process.env, NACHKLANG_HOME: home, NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: "10" },
      });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      child.on("close", (c) => resolve({ code: c ?? -1, stdout: "", stderr }));
    });
    expect(r.code, r.stderr).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
  });
});

describe("damaged home files: one line naming the file and what to do, with the documented exit code", () => {
  /** Flip one bit of `file` at `at` (negative: from the end). */
  async function flip(file: string, at: number): Promise<void> {
    const bytes = await readFile(file);
    const i = at < 0 ? bytes.length + at : at;
    bytes[i]! ^= 0x01;
    await writeFile(file, bytes);
  }

  /** Change one base64 character of the header at `at` into another valid one (the header still parses). */
  async function changeChar(file: string, at: number): Promise<void> {
    const bytes = await readFile(file);
    bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41; // "A" ↔ "B"
    await writeFile(file, bytes);
  }

  it("a keyring that unwraps but fails its MAC or payload is damaged (exit 5); one that does not unwrap is a wrong passphrase or damaged (exit 2)", async () => {
    const payload = await copyOfPractice();
    await flip(join(payload, "keyring.age"), -5);
    oneLine(await runCli(["status"], { home: payload }), 5, /keyring\.age: the keyring is damaged \(it fails its integrity check\)\. Please restore it from a backup\./);
    oneLine(await runCli(["--lang", "de", "status"], { home: payload }), 5, /der Schlüsselbund ist beschädigt.*Sicherung wiederherstellen/);

    const mac = await copyOfPractice();
    const text = (await readFile(join(mac, "keyring.age"))).toString("latin1");
    await changeChar(join(mac, "keyring.age"), text.indexOf("\n--- ") + 6);
    oneLine(await runCli(["client", "list"], { home: mac }), 5, /the keyring is damaged/);

    const stanza = await copyOfPractice();
    // The wrapped file key in the scrypt stanza: the passphrase no longer unwraps it.
    await changeChar(join(stanza, "keyring.age"), text.indexOf("\n", text.indexOf("-> scrypt")) + 3);
    oneLine(await runCli(["status"], { home: stanza }), 2, /Wrong passphrase for .*keyring\.age, or the keyring is damaged/);
    oneLine(await runCli(["status"], { home: practiceHome, env: { NACHKLANG_PASSPHRASE: "not the passphrase" } }), 2, /Wrong passphrase for .*, or the keyring is damaged/);

    const doctor = await runCli(["doctor"], { home: payload });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/^✗ .*keyring\.age: the keyring is damaged/m);
  });

  it("a damaged clients.age (exit 5)", async () => {
    const home = await copyOfPractice();
    await flip(join(home, "clients.age"), -20);
    oneLine(await runCli(["client", "list"], { home }), 5, /clients\.age: the client registry is damaged .*Please restore it from a backup; nothing was changed\./);
    // In send, --lang names the homework's language; the messages follow the practice's.
    await speakGerman(home);
    oneLine(await runCli(["send", "k042", "--note", "x", "--yes"], { home }), 5, /clients\.age: die Klientenliste ist beschädigt/);
    const doctor = await runCli(["--lang", "en", "doctor"], { home });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/^✗ .*clients\.age: the client registry is damaged/m);
    // Without a passphrase doctor still sees a clients.age that is no age file at all.
    await writeFile(join(home, "clients.age"), "garbage\n");
    const blind = await runCli(["--lang", "en", "doctor"], { home, env: { NACHKLANG_PASSPHRASE: undefined } });
    expect(blind.stdout).toMatch(/^✗ .*clients\.age: the client registry is damaged/m);
  });

  it("a truncated config.json (exit 5), in the user's language", async () => {
    const home = await copyOfPractice();
    const config = await readFile(join(home, "config.json"), "utf8");
    await writeFile(join(home, "config.json"), config.slice(0, config.length >> 1));
    oneLine(await runCli(["status"], { home }), 5, /config\.json: the configuration is damaged \(.*\)\. Please restore it from a backup or repair the JSON by hand/);
    oneLine(await runCli(["--lang", "de", "keys", "show"], { home }), 5, /config\.json: die Konfiguration ist beschädigt/);
    // Also the commands that read only the registry (they listed clients as if nothing were wrong).
    for (const args of [["client", "list"], ["client", "show", "k042"], ["consent", "show", "k042"]]) {
      oneLine(await runCli(args, { home }), 5, /config\.json: the configuration is damaged/);
    }
    const doctor = await runCli(["doctor"], { home });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/^✗ .*config\.json: the configuration is damaged/m);
  });

  it("a damaged ledger line (exit 5), naming the line", async () => {
    const home = await copyOfPractice();
    await ok(["send", "k042", "--note", "Bis bald", "--yes"], home);
    const file = join(home, "ledger", "events.jsonl");
    const lines = (await readFile(file, "utf8")).split("\n");
    const whole = lines.join("\n");
    // A known event with a field that fails its schema.
    lines[1] = lines[1]!.replace('"at":"', '"at":"x');
    await writeFile(file, lines.join("\n"));
    oneLine(await runCli(["status"], { home }), 5, /events\.jsonl: line 2 of the ledger is damaged\. Please restore the ledger from a backup; nothing was sent or changed\./);
    oneLine(await runCli(["outbox", "flush"], { home }), 5, /line 2 of the ledger is damaged/);
    const doctor = await runCli(["doctor"], { home, env: { NACHKLANG_PASSPHRASE: undefined } });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/^✗ .*events\.jsonl: line 2 of the ledger is damaged/m);
    // A line that is no JSON; a known event's name with one letter's case flipped (one bit).
    for (const damage of ['{"v":1,"at"', whole.split("\n")[1]!.replace('"ev":"queued"', '"ev":"queueD"')]) {
      await writeFile(file, whole.replace(/\n/, `\n${damage}\n`));
      oneLine(await runCli(["status"], { home }), 5, /line 2 of the ledger is damaged/);
    }
  });

  it("a ledger line of a newer version's event (unknown ev, known envelope) is skipped: status and outbox list as without it; doctor counts it", async () => {
    const home = await copyOfPractice();
    await ok(["send", "k042", "--note", "Bis bald", "--yes"], home);
    const file = join(home, "ledger", "events.jsonl");
    const text = await readFile(file, "utf8");
    const fu = (JSON.parse(text.split("\n")[0]!) as { fu: string }).fu;
    const views = async () => [(await ok(["status"], home)).stdout, (await ok(["outbox", "list"], home)).stdout, (await ok(["--json", "outbox", "list"], home)).stdout];
    const before = await views();
    const newer = JSON.stringify({ v: 1, at: "2026-11-23T08:00:00.000Z", ev: "pinnedByPractice", ignorable: true, fu, note: 3 });
    await writeFile(file, text.replace(/\n/, `\n${newer}\n`) + JSON.stringify({ v: 1, at: "2026-11-23T08:00:01.000Z", ev: "shownTwice", ignorable: true, msgs: [] }) + "\n");
    expect(await views()).toEqual(before);
    const doctor = await runCli(["doctor"], { home, env: { NACHKLANG_PASSPHRASE: undefined } });
    expect(doctor.stdout).toMatch(/^– Ledger .*events\.jsonl: 2 entries from a newer version of nachklang, which this version does not know and skips/m);
    const de = await runCli(["--lang", "de", "doctor"], { home, env: { NACHKLANG_PASSPHRASE: undefined } });
    expect(de.stdout).toMatch(/^– Protokoll .*events\.jsonl: 2 Einträge einer neueren nachklang-Version/m);
    // The envelope is checked: an unknown event with a malformed follow-up key is damage, and so
    // is one not marked ignorable (a damaged "sent" must not make the follow-up look unsent).
    for (const damage of [{ ev: "pinnedByPractice", ignorable: true, fu: "K042" }, { ev: "sant", fu }]) {
      await writeFile(file, text + JSON.stringify({ v: 1, at: "2026-11-23T08:00:00.000Z", ...damage }) + "\n");
      oneLine(await runCli(["outbox", "list"], { home }), 5, /line \d+ of the ledger is damaged/);
    }
  });

  it("a damaged groups.json or secrets.age (exit 5), as the other home files", async () => {
    const home = await copyOfPractice();
    await ok(["group", "add", "team", "k042"], home);
    await writeFile(join(home, "groups.json"), "{not json");
    oneLine(await runCli(["group", "list"], { home }), 5, /groups\.json is damaged; please restore it from a backup/);
    oneLine(await runCli(["send", "--group", "team", "--note", "x", "--yes"], { home }), 5, /groups\.json is damaged/);
    const password = join(home, "..", "smtp-password");
    await writeFile(password, "secret\n");
    await ok(["channels", "add", "email", "--host", "127.0.0.1", "--port", "2525", "--user", "u", "--password-file", password, "--from", "p@example.org"], home);
    await flip(join(home, "secrets.age"), -5);
    oneLine(await runCli(["channels", "test", "email"], { home }), 5, /secrets\.age: the channel secrets cannot be read \(damaged\?\)/);
  });

  it("damaged details of a waiting follow-up: the flush names the file and sends nothing; the follow-up can still be withdrawn", async () => {
    const home = await copyOfPractice();
    const queued = await runCli(["--json", "send", "k042", "--note", "Bis bald", "--at", "2099-01-05 10:00", "--yes"], { home });
    expect(queued.code, queued.stderr).toBe(0);
    const [meta] = (await readdir(join(home, "outbox"))).filter((n) => n.endsWith(".meta.age"));
    const id = meta!.replace(".meta.age", "");
    await flip(join(home, "outbox", meta!), -5);
    const flushed = await runCli(["outbox", "flush"], { home, env: { NACHKLANG_NOW: "2099-01-05T11:00:00Z" } });
    expect(flushed.code, flushed.stderr).toBe(5);
    expect(flushed.stdout + flushed.stderr).toContain(`${join(home, "outbox", meta!)}: the details of this waiting follow-up are damaged (they fail their integrity check); nothing was sent.`);
    expect(flushed.stdout + flushed.stderr).not.toMatch(/Internal error|failed authentication|^\s+at /m);
    expect(await readdir(join(home, "handoff"))).toEqual([]);
    await ok(["outbox", "cancel", id], home);
  });

  it("doctor on an intact home checks each file and passes them", async () => {
    const home = await copyOfPractice();
    await ok(["send", "k042", "--note", "Bis bald", "--yes"], home);
    const doctor = await runCli(["doctor"], { home });
    expect(doctor.stdout).toMatch(/^✓ Configuration .*config\.json: readable\.$/m);
    expect(doctor.stdout).toMatch(/^✓ Keyring .*: opened with the passphrase and intact\.$/m);
    expect(doctor.stdout).toMatch(/^✓ Client registry .*clients\.age: intact\.$/m);
    expect(doctor.stdout).toMatch(/^✓ Ledger .*events\.jsonl: 4 entries, all readable\.$/m);
  });
});

describe("send --note-file", () => {
  it("refuses a note larger than 64 KiB or that is not UTF-8 text: exit 2, one line, nothing stored", async () => {
    const home = await copyOfPractice();
    const large = join(scratch, "large-note.txt");
    await writeFile(large, "Ein langer Text. ".repeat(120_000));
    oneLine(await runCli(["send", "k042", "--note-file", large, "--yes"], { home }), 2, /large-note\.txt: the note is \d+ KiB; a note may be at most 64 KiB/);
    const binary = join(scratch, "photo-as-note.txt");
    await writeFile(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]));
    oneLine(await runCli(["send", "k042", "--note-file", binary, "--yes"], { home }), 2, /photo-as-note\.txt: not a text file/);
    const nul = join(scratch, "nul-note.txt");
    await writeFile(nul, "Hallo\u0000Welt");
    await speakGerman(home);
    oneLine(await runCli(["send", "k042", "--note-file", nul, "--yes"], { home }), 2, /nul-note\.txt: enthält Steuerzeichen \(z\. B\. ein Null-Byte\)/);
    // Empty, or only blanks and a byte order mark (an editor closed without saving): not sent
    // without the note, even beside a photo.
    const empty = join(scratch, "empty-note.txt");
    await writeFile(empty, "\uFEFF \n\t\n");
    oneLine(await runCli(["send", "k042", "--note-file", empty, "--photo", join(FIXTURES, "tiny.jpg"), "--yes"], { home }), 2, /empty-note\.txt: die Notiz ist leer; nichts getan\./);
    expect(await readdir(join(home, "ledger")).catch(() => [])).toEqual([]);
    // A real note file still goes out.
    const note = join(scratch, "note.txt");
    await writeFile(note, "Schön, dass Sie da waren.\n");
    expect((await runCli(["send", "k042", "--note-file", note, "--yes"], { home })).code).toBe(0);
  });
});

describe("init --post-quantum", () => {
  it("makes a hybrid (ML-KEM-768 + X25519) practice key that seals, opens and verifies, also from an exported identity file", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const home = join(dir, "home");
      expect((await runCli(["init", "--post-quantum", "--name", "Praxis PQ"], { home })).code).toBe(0);
      const { ageRecipient, fingerprint } = JSON.parse((await ok(["--json", "keys", "show"], home)).stdout) as { ageRecipient: string; fingerprint: string };
      expect(ageRecipient).toMatch(/^age1pq1/);
      await ok(["client", "add", "k042", "--age-recipient", clientRecipient], home);
      const bundle = join(dir, "pq.age");
      await ok(["seal", join(scratch, "board.txt"), "--to", "k042", "--out", bundle], home);
      expect((await readFile(bundle)).toString("latin1")).toMatch(/^-> mlkem768x25519 /m);
      await ok(["open", bundle, "--out", join(dir, "opened")], home);
      expect(await readFile(join(dir, "opened", "items", "board.txt"), "utf8")).toBe("Unser Bild von heute\n");
      await ok(["keys", "export", "--identity", join(dir, "pq-identity.txt")], home);
      expect(await readFile(join(dir, "pq-identity.txt"), "utf8")).toMatch(/^AGE-SECRET-KEY-PQ-1/m);
      for (const identity of [join(dir, "pq-identity.txt"), clientKey]) {
        const verified = await runCli(["verify", bundle, "--identity", identity, "--signer-fingerprint", fingerprint], { home: join(dir, "nobody") });
        expect(verified.code, verified.stderr).toBe(0);
        expect(verified.stdout).toContain("Sealed for this key.");
      }
    } finally {
      await cleanup();
    }
  });
});

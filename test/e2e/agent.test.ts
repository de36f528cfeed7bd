/**
 * The agent end to end through the real `bin/nachklang`: unlock once, then commands need no
 * passphrase; lock, and they do again. Wrong passphrases, killed agents, cron without an agent,
 * the socket's folder and modes, what the agent's process shows of itself, concurrent commands,
 * garbage on the socket, lifetimes. Every agent a test starts is killed after it.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, cp, mkdir, readFile, readdir, readlink, rename, stat, symlink, writeFile } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { agentPaths } from "../../src/agent/paths.js";
import { unlockKeyring } from "../../src/practice/keyring.js";
import { readChannelSecrets } from "../../src/practice/secrets.js";
import { BIN, PASSPHRASE, initHome, runCli, tempDir, type CliResult } from "../helpers/cli.js";

/** No passphrase anywhere, and the agent's folder in the home unless a test says otherwise. */
const NONE = { NACHKLANG_PASSPHRASE: undefined, XDG_RUNTIME_DIR: undefined };
const HOME_MODE = { XDG_RUNTIME_DIR: undefined };

let template: string;
let cleanupTemplate: () => Promise<void>;
let scratch: string;
let cleanupScratch: () => Promise<void>;
let n = 0;
const started = new Set<number>();

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The local addresses of the TCP sockets `pid` listens on (from /proc: its fds' socket inodes). */
async function listeningTcp(pid: number): Promise<string[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode !== undefined) inodes.add(inode);
  }
  const out: string[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = await readFile(table, "utf8").catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // f[1] local address, f[3] state (0A: LISTEN), f[9] inode.
      if (f[3] === "0A" && f[9] !== undefined && inodes.has(f[9])) out.push(f[1] ?? "?");
    }
  }
  return out;
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

/** A fresh practice with client k1 (folder consent), copied from a template made once. */
async function freshHome(): Promise<string> {
  const home = join(scratch, `h${n++}`);
  await cp(template, home, { recursive: true });
  return home;
}

async function unlock(home: string, args: string[] = [], env: Record<string, string | undefined> = HOME_MODE): Promise<CliResult & { pid?: number }> {
  const r = await runCli(["--json", "unlock", ...args], { home, env });
  const pid = r.code === 0 ? (JSON.parse(r.stdout) as { pid?: number }).pid : undefined;
  if (pid !== undefined) started.add(pid);
  return { ...r, ...(pid === undefined ? {} : { pid }) };
}

const ok = async (args: string[], home: string, env: Record<string, string | undefined> = NONE): Promise<CliResult> => {
  const r = await runCli(args, { home, env });
  if (r.code !== 0) throw new Error(`${args.join(" ")} → ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
};

const LOCKED = /^Locked: run 'nachklang unlock' \(or give the keyring passphrase with --passphrase-file FILE or NACHKLANG_PASSPHRASE\)\.$/;

beforeAll(async () => {
  ({ dir: scratch, cleanup: cleanupScratch } = await tempDir("nachklang-agent-e2e-"));
  const made = await initHome();
  template = made.home;
  cleanupTemplate = made.cleanup;
  await ok(["client", "add", "k1", "--lang", "de", "--age-recipient", await identityToRecipient(generateIdentity())], template, {});
  await ok(["consent", "record", "k1", "--channel", "folder"], template, {});
});

afterEach(() => {
  // Never leave an agent running, whatever a test did.
  for (const pid of started) if (alive(pid)) process.kill(pid, "SIGKILL");
  started.clear();
});

afterAll(async () => {
  await cleanupTemplate();
  await cleanupScratch();
});

describe("nachklang unlock / lock", () => {
  it("unlock once: commands work without a passphrase; lock: they need it again", async () => {
    const home = await freshHome();
    const keyringBefore = await readFile(join(home, "keyring.age"));
    const u = await unlock(home);
    expect(u.code, u.stderr).toBe(0);
    expect(JSON.parse(u.stdout)).toMatchObject({ unlocked: true, idleMinutes: 60 });
    expect(u.pid).toBeGreaterThan(0);

    expect((await ok(["client", "list"], home)).stdout).toContain("k1");
    const sent = await ok(["--json", "send", "k1", "--note", "Hallo aus dem Agenten", "--now", "--yes"], home);
    const id = (JSON.parse(sent.stdout) as { id: string }).id;
    const bundle = join(home, "handoff", `${id}.age`);
    expect(existsSync(bundle)).toBe(true);
    // Opened and its signature checked through the agent: it unwraps and the public key is its own.
    const opened = await ok(["open", bundle, "--out", join(scratch, `opened-${n}`)], home);
    expect(opened.stdout).toMatch(/^Signed by /m);
    const status = await ok(["status", "k1"], home);
    expect(status.stdout.split("\n")[0]).toMatch(/^Unlocked until .* \(agent \d+; locked without use from .*\)\.$/);
    expect(status.stdout).toContain(id);
    // doctor may fail on a missing tool here; its line about the agent is what matters.
    expect((await runCli(["doctor"], { home, env: NONE })).stdout).toMatch(/^✓ Unlocked until .* \(agent \d+; /m);

    // A channel secret is stored without the passphrase: sealed to the practice, keyring untouched.
    const pw = join(scratch, `pw-${n}`);
    await writeFile(pw, "smtp-password-7\n");
    await ok(["channels", "add", "email", "--name", "mail", "--host", "127.0.0.1", "--port", "2525", "--user", "u", "--from", "Praxis <p@example.org>", "--password-file", pw], home);
    expect((await readFile(join(home, "keyring.age"))).equals(keyringBefore)).toBe(true);
    const keyring = await unlockKeyring(join(home, "keyring.age"), PASSPHRASE);
    expect(await readChannelSecrets(join(home, "secrets.age"), keyring.ageIdentity)).toEqual({ "channel.mail.password": "smtp-password-7" });

    // A backup is signed through the agent, and restores with the passphrase (signature checked).
    const backup = join(scratch, `backup-${n}.age`);
    await ok(["backup", "--out", backup], home);
    const restored = await runCli(["--json", "restore", backup], { home: join(scratch, `restored-${n}`), env: { XDG_RUNTIME_DIR: undefined } });
    expect(restored.code, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ verified: true, recovered: false });

    const lock = await ok(["lock"], home);
    expect(lock.stdout.trim()).toBe("Locked: the agent wiped its keys and stopped.");
    expect(await gone(u.pid!)).toBe(true);
    expect(existsSync(agentPaths(home, {}).socket)).toBe(false);

    const locked = await runCli(["client", "list"], { home, env: NONE });
    expect(locked.code).toBe(2);
    expect(locked.stderr.trim()).toMatch(LOCKED);
    expect((await ok(["client", "list"], home, HOME_MODE)).stdout).toContain("k1");
    expect((await ok(["lock"], home)).stdout.trim()).toBe("Not unlocked: no agent is running.");
  });

  it("a second unlock says so and asks for nothing; SIGTERM locks the agent", async () => {
    const home = await freshHome();
    const u = await unlock(home);
    expect(u.code, u.stderr).toBe(0);
    const again = await runCli(["unlock"], { home, env: NONE });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^Already unlocked until .* \\(agent ${u.pid}\\)\\. For another span: 'nachklang lock', then 'nachklang unlock' again\\.$`, "m"));
    process.kill(u.pid!, "SIGTERM");
    expect(await gone(u.pid!)).toBe(true);
    expect(existsSync(agentPaths(home, {}).socket)).toBe(false);
  });

  it("SIGUSR1 does not open Node's inspector (a TCP port any user could reach) and the agent carries on", async () => {
    const home = await freshHome();
    const u = await unlock(home);
    expect(u.code, u.stderr).toBe(0);
    expect(await listeningTcp(u.pid!)).toEqual([]);
    process.kill(u.pid!, "SIGUSR1");
    await new Promise((r) => setTimeout(r, 1500));
    expect(await listeningTcp(u.pid!)).toEqual([]);
    expect(alive(u.pid!)).toBe(true);
    expect((await ok(["client", "list"], home)).stdout).toContain("k1");
  });

  it("wrong passphrase at unlock: exit 2, one line, and no agent", async () => {
    const home = await freshHome();
    const r = await unlock(home, [], { ...HOME_MODE, NACHKLANG_PASSPHRASE: "not the passphrase" });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^Wrong passphrase for .*keyring\.age, or the keyring is damaged\. Please try again; if the passphrase is right, restore the keyring from a backup\.$/);
    expect(r.pid).toBeUndefined();
    expect(existsSync(agentPaths(home, {}).socket)).toBe(false);
    expect((await runCli(["status"], { home, env: NONE })).code).toBe(2);
  });

  it("a SIGKILLed agent: the next command cleans its socket, says so, and unlocks as before (or exits 2 in cron)", async () => {
    const home = await freshHome();
    const socket = agentPaths(home, {}).socket;
    const first = await unlock(home);
    process.kill(first.pid!, "SIGKILL");
    expect(await gone(first.pid!)).toBe(true);
    expect(existsSync(socket)).toBe(true);
    const withPassphrase = await ok(["client", "list"], home, HOME_MODE);
    expect(withPassphrase.stdout).toContain("k1");
    expect(withPassphrase.stderr).toContain(`The agent of an earlier unlock is no longer running; its socket ${socket} was removed.`);
    expect(existsSync(socket)).toBe(false);

    const second = await unlock(home);
    process.kill(second.pid!, "SIGKILL");
    expect(await gone(second.pid!)).toBe(true);
    const cron = await runCli(["outbox", "flush"], { home, env: NONE });
    expect(cron.code).toBe(2);
    expect(cron.stderr.trim().split("\n")).toEqual([`The agent of an earlier unlock is no longer running; its socket ${socket} was removed.`, expect.stringMatching(LOCKED)]);
    expect(existsSync(socket)).toBe(false);
  });

  it("folder 0700 and socket 0600, in the home or under XDG_RUNTIME_DIR (one folder per home)", async () => {
    const home = await freshHome();
    const inHome = agentPaths(home, {});
    expect(inHome.dir).toBe(join(home, "agent"));
    const u = await unlock(home);
    expect((await stat(inHome.dir)).mode & 0o777).toBe(0o700);
    const sock = await stat(inHome.socket);
    expect(sock.isSocket()).toBe(true);
    expect(sock.mode & 0o777).toBe(0o600);
    await ok(["lock"], home);
    expect(await gone(u.pid!)).toBe(true);

    const runtime = join(scratch, `run-${n}`);
    await mkdir(runtime, { mode: 0o700 });
    const env = { XDG_RUNTIME_DIR: runtime };
    const r = await unlock(home, [], env);
    expect(r.code, r.stderr).toBe(0);
    const there = agentPaths(home, env);
    expect(there.dir).toMatch(new RegExp(`^${runtime}/nachklang-[0-9a-f]{16}$`));
    expect((await stat(there.dir)).mode & 0o777).toBe(0o700);
    expect((await stat(there.socket)).mode & 0o777).toBe(0o600);
    expect(await readdir(inHome.dir)).toEqual([]);
    expect((await ok(["client", "list"], home, { ...NONE, ...env })).stdout).toContain("k1");
    // Another home gets another folder.
    expect(agentPaths(`${home}-other`, env).dir).not.toBe(there.dir);
    // A folder others can open is not trusted (and not removed).
    await chmod(there.dir, 0o755);
    const unsafe = await runCli(["client", "list"], { home, env: { ...NONE, ...env } });
    expect(unsafe.code).toBe(2);
    expect(unsafe.stderr.trim()).toMatch(new RegExp(`^${there.dir}: not safe for the agent`));
  });

  it("the agent's command line and environment carry no secret", async () => {
    const home = await freshHome();
    const u = await unlock(home, [], { ...HOME_MODE, NACHKLANG_NOW: "2026-11-30T10:00:00+01:00", SOME_TOKEN: "x" });
    expect(u.code, u.stderr).toBe(0);
    const keyring = await unlockKeyring(join(home, "keyring.age"), PASSPHRASE);
    const cmdline = await readFile(`/proc/${u.pid}/cmdline`);
    const environ = await readFile(`/proc/${u.pid}/environ`);
    for (const [name, bytes] of [["cmdline", cmdline], ["environ", environ]] as const) {
      for (const secret of [PASSPHRASE, keyring.ageIdentity, "AGE-SECRET-KEY", Buffer.from(keyring.signing.seed).toString("hex"), "NACHKLANG_PASSPHRASE"]) {
        expect(bytes.includes(Buffer.from(secret)), `${name}: ${secret}`).toBe(false);
      }
    }
    // Only what it needs: the path and the test clock.
    expect(environ.toString().split("\0").filter(Boolean).map((e) => e.split("=")[0]).sort()).toEqual(["NACHKLANG_NOW", "PATH"]);
    expect(cmdline.toString()).toMatch(/^nachklang-agent/);
  });

  it("the agent writes no core dump, whatever limit the shell that ran unlock had", async () => {
    const home = await freshHome();
    // unlock from a shell that allows core dumps (as many desktops do): the agent still has none.
    const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn("/bin/sh", ["-c", 'ulimit -S -c unlimited && exec "$0" "$1" --json unlock', process.execPath, BIN], {
        env: { ...process.env, NACHKLANG_HOME: home, NACHKLANG_PASSPHRASE: PASSPHRASE, NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: "10", XDG_RUNTIME_DIR: "" },
        stdio: ["ignore", "pipe", "ignore"],
      });
      let stdout = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.on("close", (code) => resolve({ code, stdout }));
    });
    expect(r.code).toBe(0);
    const pid = (JSON.parse(r.stdout) as { pid: number }).pid;
    started.add(pid);
    const limits = await readFile(`/proc/${pid}/limits`, "utf8");
    expect(limits).toMatch(/^Max core file size\s+0\s+0\s+bytes\s*$/m);
    await ok(["lock"], home);
  });

  it("cron without an agent and without a passphrase: exit 2 at once, with one line, no scrypt", async () => {
    // A keyring at the real work factor, so that an unlock would take its second.
    const dir = join(scratch, `real-${n++}`);
    const real = await runCli(["init", "--name", "Praxis"], { home: dir, env: { NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: undefined } });
    expect(real.code, real.stderr).toBe(0);
    const timed = async (env: Record<string, string | undefined>) => {
      const t = performance.now();
      const r = await runCli(["outbox", "flush"], { home: dir, env: { ...env, NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: undefined } });
      return { r, ms: performance.now() - t };
    };
    const cron = await timed(NONE);
    expect(cron.r.code).toBe(2);
    expect(cron.r.stderr.trim()).toMatch(LOCKED);
    expect(cron.r.stdout).toBe("");
    // The same command that does unlock the keyring (scrypt at 2^18) takes longer.
    const unlocked = await timed(HOME_MODE);
    expect(unlocked.r.code, unlocked.r.stderr).toBe(0);
    expect(cron.ms).toBeLessThan(unlocked.ms);

    // The documented timer's form: locked is exit 0 with one line, nothing sent ...
    const timer = await runCli(["outbox", "flush", "--if-unlocked"], { home: dir, env: NONE });
    expect([timer.code, timer.stdout, timer.stderr]).toEqual([0, "Locked: nothing delivered; what is due goes out with the first flush after 'nachklang unlock'.\n", ""]);
    // ... and a configuration error still fails it, locked or not (exit 2 is that too).
    const file = join(dir, "config.json");
    const config = JSON.parse(await readFile(file, "utf8")) as { channels?: Record<string, unknown> };
    config.channels = { ...config.channels, sig: { type: "signal", settings: { account: "+491701234567", rpcUrl: "http://10.0.0.5:7583" } } };
    await writeFile(file, JSON.stringify(config));
    const broken = await runCli(["outbox", "flush", "--if-unlocked"], { home: dir, env: NONE });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^Channel 'sig': invalid setting \(rpcUrl: /);
  });

  it("two commands at once through one agent both work", async () => {
    const home = await freshHome();
    expect((await unlock(home)).code).toBe(0);
    const [a, b, s] = await Promise.all([
      runCli(["--json", "send", "k1", "--note", "Eins", "--now", "--yes"], { home, env: NONE }),
      runCli(["--json", "send", "k1", "--note", "Zwei", "--now", "--yes"], { home, env: NONE }),
      runCli(["status", "k1"], { home, env: NONE }),
    ]);
    for (const r of [a, b, s]) expect(r.code, r.stderr).toBe(0);
    const ids = [a, b].map((r) => (JSON.parse(r.stdout) as { id: string }).id);
    expect(new Set(ids).size).toBe(2);
    const handoff = await readdir(join(home, "handoff"));
    for (const id of ids) expect(handoff).toContain(`${id}.age`);
    const after = await ok(["status", "k1"], home);
    for (const id of ids) expect(after.stdout).toMatch(new RegExp(`${id} .* sent`));
  });

  it("an agent with every connection taken: a command in cron says busy (exit 1), never 'locked', and works once a slot is free", async () => {
    const home = await freshHome();
    const u = await unlock(home);
    const socket = agentPaths(home, {}).socket;
    // 32 connections, each served (it answered a hello) and then silent: each holds its slot for
    // the agent's connection idle time (60 s), far beyond the command's 2.5 s of waiting even on
    // a loaded machine (half a request would hold it only for the line time, 10 s).
    const taken = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        new Promise<Socket>((resolve, reject) => {
          const s = connect(socket);
          s.once("error", reject);
          s.once("data", () => resolve(s));
          s.write(`{"id":${i},"op":"hello"}\n`);
        }),
      ),
    );
    const full = await runCli(["client", "list"], { home, env: NONE });
    expect(full.code, full.stderr).toBe(1);
    expect(full.stderr.trim()).toBe(`The agent is busy: all its connections are taken (${socket}). Try again in a minute (it closes unused connections after 60 seconds).`);
    expect(full.stderr).not.toMatch(/Locked|passphrase/i);
    expect(full.stdout).toBe("");
    for (const s of taken) s.destroy();
    expect(alive(u.pid!)).toBe(true);
    expect((await ok(["client", "list"], home)).stdout).toContain("k1");
  });

  it("garbage on the socket gets nothing useful, and the agent carries on", async () => {
    const home = await freshHome();
    const u = await unlock(home);
    const socket = agentPaths(home, {}).socket;
    const answer = await new Promise<string>((resolve) => {
      const s = connect(socket);
      let text = "";
      s.on("data", (d) => (text += d.toString()));
      s.on("error", () => undefined);
      s.on("close", () => resolve(text));
      s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n{"id":1,"op":"export"}\n');
    });
    expect(JSON.parse(answer.trim())).toEqual({ ok: false, error: "bad-request" });
    expect(alive(u.pid!)).toBe(true);
    expect((await ok(["client", "list"], home)).stdout).toContain("k1");
  });

  it("--for sets the lifetime; by default it ends with today's contact hours; bad durations are refused before the passphrase", async () => {
    const home = await freshHome();
    const monday = { ...HOME_MODE, NACHKLANG_NOW: "2026-11-30T10:00:00+01:00" };
    const short = await unlock(home, ["--for", "30m", "--idle", "10m"], monday);
    expect(short.code, short.stderr).toBe(0);
    expect(JSON.parse(short.stdout)).toMatchObject({ until: "2026-11-30T09:30:00.000Z", idleMinutes: 10 });
    await ok(["lock"], home);
    await ok(["hours", "set", "mo-fr 09:00-18:00", "--tz", "Europe/Berlin"], home);
    const day = await unlock(home, [], monday);
    expect(JSON.parse(day.stdout)).toMatchObject({ until: "2026-11-30T17:00:00.000Z", idleMinutes: 60 });
    const status = await ok(["status"], home, { ...NONE, NACHKLANG_NOW: monday.NACHKLANG_NOW });
    expect(status.stdout.split("\n")[0]).toMatch(/^Unlocked until Mon 2026-11-30 18:00 \(Europe\/Berlin\)/);
    await ok(["lock"], home);
    // A configured idle time that is no number of minutes is said, not taken silently.
    const file = join(home, "config.json");
    await writeFile(file, JSON.stringify({ ...(JSON.parse(await readFile(file, "utf8")) as object), agentIdleMinutes: "abc" }));
    const odd = await unlock(home, [], monday);
    expect(odd.code, odd.stderr).toBe(0);
    expect(odd.stderr).toContain('Note: agentIdleMinutes in config.json ("abc") is no number of minutes from 1 to 1440 (a day); the agent locks after 60 minutes without use.');
    await ok(["lock"], home);
    for (const bad of [["--for", "soon"], ["--for", "2d"], ["--idle", "0m"], ["--for", "25h"], ["--idle", "25h"]]) {
      const r = await runCli(["unlock", ...bad], { home, env: { ...NONE } });
      expect(r.code, bad.join(" ")).toBe(2);
      expect(r.stderr.trim(), bad.join(" ")).toMatch(/is not a duration|at most 24 hours/);
    }
  });

  it("with the keys in the agent, a weak keyring still gets its warning and killed runs' staging places are still swept", async () => {
    const home = await freshHome();
    const u = await unlock(home);
    expect(u.code, u.stderr).toBe(0);
    // The test keyring is stored at the test work factor: weak once the test variable is gone.
    const real = { ...NONE, NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: undefined };
    const listed = await runCli(["client", "list"], { home, env: real });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain("k1");
    expect(listed.stderr.trim()).toMatch(/^Warning: .*keyring\.age is protected with work factor \d+ only \(default 18\)/);
    // While the test variable is set (as in every other test here): no warning.
    expect((await ok(["client", "list"], home)).stderr).not.toMatch(/work factor/);

    // A staging place listed by a run that is gone: the next command with the agent's keys sweeps it.
    const { listStagingPlace, stagingListDir } = await import("../../src/practice/staging.js");
    const place = join(scratch, `place-${n}`);
    const leftover = join(place, ".staging-pid999999999-Ab12Cd");
    await mkdir(leftover, { recursive: true, mode: 0o700 });
    await chmod(leftover, 0o700);
    await writeFile(join(leftover, "plaintext.txt"), "left by a killed run");
    const keyring = await unlockKeyring(join(home, "keyring.age"), PASSPHRASE);
    await listStagingPlace(stagingListDir(home), keyring.ageRecipient, place);
    // Listed under this (test) process's pid: renamed to a pid that runs no more.
    const [entry] = await readdir(stagingListDir(home));
    const { rename } = await import("node:fs/promises");
    await rename(join(stagingListDir(home), entry!), join(stagingListDir(home), entry!.replace(/^pid\d+-/, "pid999999999-")));
    await ok(["client", "list"], home);
    expect(await readdir(stagingListDir(home))).toEqual([]);
    expect(existsSync(leftover)).toBe(false);
  });

  it("a post-quantum practice (init --post-quantum) works through the agent: unwrap of hybrid stanzas, signing, opening", async () => {
    const home = join(scratch, `pq${n++}`);
    expect((await runCli(["init", "--post-quantum", "--name", "Praxis PQ", "--lang", "en"], { home })).code).toBe(0);
    await ok(["client", "add", "k1", "--lang", "de", "--age-recipient", await identityToRecipient(generateIdentity())], home, {});
    await ok(["consent", "record", "k1", "--channel", "folder"], home, {});
    const u = await unlock(home);
    expect(u.code, u.stderr).toBe(0);
    expect((await ok(["client", "list"], home)).stdout).toContain("k1");
    const sent = await ok(["--json", "send", "k1", "--note", "Hallo, post-quantum", "--now", "--yes"], home);
    const id = (JSON.parse(sent.stdout) as { id: string }).id;
    const opened = await ok(["open", join(home, "handoff", `${id}.age`), "--out", join(scratch, `opened-pq-${n}`)], home);
    expect(opened.stdout).toMatch(/^Signed by /m);
    await ok(["lock"], home);
    expect(await gone(u.pid!)).toBe(true);
  });
});

describe("the agent a command reaches", () => {
  it("an agent left from a keyring the home no longer has is refused, changes nothing, and lock then unlock mends it", async () => {
    const runtime = join(scratch, `run-keys-${n++}`);
    await mkdir(runtime, { mode: 0o700 });
    const env = { XDG_RUNTIME_DIR: runtime };
    const home = await freshHome();
    const u = await unlock(home, [], env);
    expect(u.code, u.stderr).toBe(0);
    // The practice made anew in the same place: new keys, the old agent still running.
    await rename(home, `${home}-before`);
    expect((await runCli(["init", "--name", "Praxis Neu", "--lang", "en", "--no-recovery-key"], { home, env })).code).toBe(0);
    const refused = `The agent at ${agentPaths(home, env).socket} holds other keys than this practice's keyring (was it made anew or restored?); nothing was changed. Run 'nachklang lock', then 'nachklang unlock' again.`;
    for (const args of [["client", "add", "z1", "--lang", "de"], ["client", "list"]]) {
      const r = await runCli(args, { home, env: { ...NONE, ...env } });
      expect([r.code, r.stderr.trim()], args.join(" ")).toEqual([2, refused]);
    }
    expect(existsSync(join(home, "clients.age"))).toBe(false);
    await ok(["lock"], home, { ...NONE, ...env });
    expect(await gone(u.pid!)).toBe(true);
    const again = await unlock(home, [], env);
    expect(again.code, again.stderr).toBe(0);
    await ok(["client", "add", "z1", "--lang", "de"], home, { ...NONE, ...env });
    await ok(["lock"], home, { ...NONE, ...env });
    // Sealed to this keyring: it opens with the passphrase.
    expect((await ok(["client", "list"], home, env)).stdout).toContain("z1");
  });

  it("a link to the home reaches the same agent, with or without XDG_RUNTIME_DIR, and lock through either stops it", async () => {
    const runtime = join(scratch, `run-link-${n++}`);
    await mkdir(runtime, { mode: 0o700 });
    for (const env of [HOME_MODE, { XDG_RUNTIME_DIR: runtime }]) {
      const home = await freshHome();
      const link = `${home}-link`;
      await symlink(home, link);
      const u = await unlock(link, [], env);
      expect(u.code, u.stderr).toBe(0);
      expect((await ok(["client", "list"], home, { ...NONE, ...env })).stdout).toContain("k1");
      expect((await ok(["client", "list"], link, { ...NONE, ...env })).stdout).toContain("k1");
      const second = await unlock(home, [], env);
      expect(JSON.parse(second.stdout)).toMatchObject({ already: true, pid: u.pid });
      await ok(["lock"], home, { ...NONE, ...env });
      expect(await gone(u.pid!)).toBe(true);
      const locked = await runCli(["client", "list"], { home: link, env: { ...NONE, ...env } });
      expect([locked.code, locked.stderr.trim()]).toEqual([2, expect.stringMatching(LOCKED)]);
    }
  });

  it("an agent unlocked with NACHKLANG_NOW (a rehearsal) still locks after its lifetime", async () => {
    const home = await freshHome();
    const u = await unlock(home, ["--for", "3s"], { ...HOME_MODE, NACHKLANG_NOW: "2026-11-28T10:00:00+01:00" });
    expect(u.code, u.stderr).toBe(0);
    expect(await gone(u.pid!)).toBe(true);
  });

  it("status and doctor do not count as use: run every second, they let it lock after its idle time", async () => {
    const home = await freshHome();
    const u = await unlock(home, ["--idle", "3s"]);
    expect(u.code, u.stderr).toBe(0);
    const firstLines: string[] = [];
    for (let i = 0; i < 12 && alive(u.pid!); i++) {
      const command = i % 2 === 0 ? ["status"] : ["doctor"];
      const r = await runCli(command, { home, env: NONE });
      firstLines.push(`${command[0]!}: ${r.stdout.split("\n").find((l) => /nlocked|Locked/.test(l)) ?? r.stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    // It locked while they kept running (each of them used to count as use and keep it unlocked).
    expect([alive(u.pid!), firstLines.length < 12], firstLines.join("\n")).toEqual([false, true]);
    expect(firstLines[0]).toMatch(/^status: Unlocked until/);
  });

  it("while unlocked, a command that needs the passphrase itself says so (not 'run unlock')", async () => {
    const home = await freshHome();
    const u = await unlock(home);
    expect(u.code, u.stderr).toBe(0);
    const r = await runCli(["keys", "export", "--identity", join(scratch, `id-${n++}.txt`)], { home, env: NONE });
    expect([r.code, r.stderr.trim().split("\n").at(-1)]).toEqual([
      2,
      "This command needs the keyring passphrase itself, also while unlocked (the agent never hands out the private keys): give it with --passphrase-file FILE or NACHKLANG_PASSPHRASE, or run it at a terminal.",
    ]);
  });

  it("XDG_RUNTIME_DIR naming a file, or a socket path too long for its temporary name: one line, exit 2, no agent", async () => {
    const home = await freshHome();
    const file = join(scratch, `not-a-folder-${n++}`);
    await writeFile(file, "");
    const r = await unlock(home, [], { XDG_RUNTIME_DIR: file });
    expect([r.code, r.stderr.trim()]).toEqual([2, `${agentPaths(home, { XDG_RUNTIME_DIR: file }).dir}: cannot be written there (ENOTDIR); nothing was written. Please check the path and permissions, or name another place.`]);
    // A home whose socket path is 100 bytes: short enough itself, not under its binding name (+ ".<pid>.tmp").
    const deep = join(scratch, "d".repeat(Math.max(1, 100 - join(scratch, "/agent/agent.sock").length)));
    expect(Buffer.byteLength(agentPaths(deep, {}).socket)).toBeGreaterThanOrEqual(99);
    await cp(home, deep, { recursive: true });
    const long = await unlock(deep);
    expect([long.code, long.stderr.trim()]).toEqual([2, expect.stringMatching(/^The agent's socket path is too long/)]);
    expect(existsSync(join(deep, "agent")) ? await readdir(join(deep, "agent")) : []).toEqual([]);
  });
});

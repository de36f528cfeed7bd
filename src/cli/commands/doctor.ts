import { spawnSync } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { hasAgeHeader } from "../../age/index.js";
import { Ledger } from "../../delivery/ledger.js";
import { ExitCode, isUserError, UserError } from "../../errors.js";
import type { MessageKey, MessageParams } from "../../messages/index.js";
import { exists } from "../../files.js";
import { ClientRegistry } from "../../practice/clients.js";
import { doubtfulConsents, EARLIEST_CONSENT_DAY } from "../../practice/consent.js";
import { keyringWorkFactor, type Keyring } from "../../practice/keyring.js";
import { DEFAULT_SCRYPT_LOG_N } from "../../practice/sealed-file.js";
import { recoverySetting } from "../../records/recovery.js";
import { countAbandonedPlaces, stagingListDir } from "../../practice/staging.js";
import { readKeyringPassphrase, type CliContext } from "../context.js";
import { passphraseFromEnv } from "../env-passphrase.js";
import type { ConfigSchema } from "../../practice/config.js";
import { agentState, lookOnly, practiceKeys, practiceTime, unlockKeyringHere, type AgentState } from "../practice.js";

interface Finding {
  readonly ok: boolean;
  /** A missing optional tool is reported but is not a failure. */
  readonly optional?: boolean;
  readonly key: MessageKey;
  readonly params?: MessageParams;
}

function nodeFinding(): Finding {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const ok = major > 20 || (major === 20 && minor >= 19);
  return { ok, key: ok ? "doctor.node" : "doctor.nodeOld", params: { version: process.version } };
}

/** Files or folders in the home that others could read or write (should be 0600 / 0700). */
async function loosePermissions(dir: string): Promise<string[]> {
  const loose: string[] = [];
  const visit = async (path: string) => {
    const info = await stat(path);
    if ((info.mode & 0o077) !== 0) loose.push(path);
    if (info.isDirectory()) for (const entry of await readdir(path)) await visit(join(path, entry));
  };
  await visit(dir);
  return loose;
}

/** Whether an agent holds the keys (`nachklang unlock`), and until when; an unsafe agent folder fails. */
async function agentFinding(ctx: CliContext): Promise<{ finding: Finding; state?: AgentState }> {
  try {
    const state = await agentState(ctx);
    if (!state.unlocked) return { finding: { ok: true, key: "agent.stateLocked" }, state };
    // What doctor asks the agent below (the registry, the ledger) is no use of the practice.
    await lookOnly(ctx);
    const params = { until: await practiceTime(ctx, state.until), idle: await practiceTime(ctx, state.idleUntil), pid: state.pid };
    return { finding: { ok: true, key: "agent.stateUnlocked", params }, state };
  } catch (error) {
    if (isUserError(error)) return { finding: { ok: false, key: error.key, params: error.params } };
    throw error;
  }
}

/** What each folder of the home holds, and its size (docs/records.md describes each). */
async function folderFindings(ctx: CliContext): Promise<Finding[]> {
  const { folderUsage, handoffFolders } = await import("../../records/storage.js");
  const { formatSize } = await import("../workflow.js");
  const { inboxPaths } = await import("../../inbox/store.js");
  const folders: [string, string, MessageKey][] = [
    ["outbox", ctx.home.outbox, "doctor.holds.outbox"],
    ["archive", ctx.home.archive, "doctor.holds.archive"],
    ["handoff", ctx.home.handoff, "doctor.holds.handoff"],
    ["ledger", ctx.home.ledger, "doctor.holds.ledger"],
    ["records", ctx.home.records, "doctor.holds.records"],
    ["cache", ctx.home.cache, "doctor.holds.cache"],
    ["inbox", inboxPaths(ctx.home.root).root, "doctor.holds.inbox"],
  ];
  // A damaged config.json is its own finding (homeFileFindings); the folders are still counted.
  const settings: Readonly<ConfigSchema> = ctx.configDamage === undefined ? ctx.settings : {};
  for (const dir of handoffFolders(ctx.home.root, settings.channels)) {
    if (dir !== ctx.home.handoff) folders.push([dir, dir, "doctor.holds.handoff"]);
  }
  const recovery = recoverySetting(settings.recovery);
  const findings: Finding[] =
    recovery === undefined
      ? [{ ok: false, optional: true, key: "recovery.none" }]
      : recovery.anchor === undefined
        ? [{ ok: false, optional: true, key: "doctor.recoveryUnanchored", params: { recipient: recovery.recipient } }]
        : [{ ok: true, key: "doctor.recovery", params: { recipient: recovery.recipient } }];
  for (const [name, dir, holds] of folders) {
    const usage = await folderUsage(dir);
    findings.push({ ok: true, key: "doctor.folder", params: { name, files: usage.files, size: formatSize(usage.bytes), holds: ctx.out.text(holds) } });
  }
  return findings;
}

function toolVersion(command: string, args: string[]): string | undefined {
  const r = spawnSync(command, args, { encoding: "utf8" });
  if (r.error || r.status !== 0) return undefined;
  return (r.stdout || r.stderr).split("\n")[0]?.trim();
}

/** A finding from a damaged home file: its own one line (the one the failing command prints). */
function damage(ctx: CliContext, error: unknown): Finding {
  if (!(error instanceof UserError)) throw error;
  return { ok: false, key: "doctor.damaged", params: { line: ctx.out.text(error.key, error.params) } };
}

/** One line per client whose stored consents carry an impossible day (docs/decisions/consent-floor.md). */
function consentFindings(ctx: CliContext, registry: ClientRegistry): Finding[] {
  return registry.list().flatMap((client): Finding[] => {
    const doubtful = doubtfulConsents(client);
    if (doubtful.length === 0) return [];
    const records = doubtful.map((c) =>
      c.date < EARLIEST_CONSENT_DAY
        ? ctx.out.text("doctor.consentDoubt.given", { channel: c.channel, date: c.date, earliest: EARLIEST_CONSENT_DAY })
        : ctx.out.text("doctor.consentDoubt.withdrawn", { channel: c.channel, date: c.date, withdrawn: c.withdrawn ?? "" }),
    );
    return [{ ok: false, key: "doctor.consentDoubt", params: { alias: client.alias, records: records.join("; ") } }];
  });
}

/**
 * The home's files: config, keyring (its work factor always; with a passphrase from
 * --passphrase-file or NACHKLANG_PASSPHRASE also its integrity), client registry, ledger. Never
 * prompts: without a passphrase the encrypted files are checked as far as their headers go.
 */
async function homeFileFindings(ctx: CliContext): Promise<Finding[]> {
  const findings: Finding[] = [];
  const configFile = join(ctx.home.root, "config.json");
  if (ctx.configDamage !== undefined) findings.push(damage(ctx, ctx.configDamage));
  else if (await exists(configFile)) findings.push({ ok: true, key: "doctor.configOk", params: { file: configFile } });

  const file = ctx.home.keyring;
  if (!(await exists(file))) {
    findings.push({ ok: false, key: "doctor.noKeyring", params: { file } });
    return findings;
  }
  // Weak is a failure here in every case, also while the test-only variable silences the warning.
  const logN = await keyringWorkFactor(file);
  if (logN === undefined) findings.push({ ok: false, key: "doctor.keyringUnreadable", params: { file } });
  else if (logN < DEFAULT_SCRYPT_LOG_N) findings.push({ ok: false, key: "doctor.keyringWeak", params: { file, logN } });
  else findings.push({ ok: true, key: "doctor.keyringStrong", params: { file, logN } });
  const agent = await agentFinding(ctx);
  findings.push(agent.finding);

  const passphrase = ctx.passphraseFile !== undefined || (passphraseFromEnv() ?? "") !== "" ? await readKeyringPassphrase(ctx) : undefined;
  let keyring: Keyring | undefined;
  if (passphrase !== undefined && logN !== undefined) {
    try {
      keyring = await unlockKeyringHere(ctx, passphrase);
      findings.push({ ok: true, key: "doctor.keyringUnlocked", params: { file } });
    } catch (error) {
      findings.push(damage(ctx, error));
    }
  }
  if (await exists(ctx.home.clients)) {
    // With the passphrase, or through the agent's keys when it holds them (no passphrase needed).
    const keys = keyring === undefined && agent.state?.unlocked === true ? await practiceKeys(ctx) : undefined;
    if (keyring !== undefined || keys !== undefined) {
      try {
        const registry =
          keyring !== undefined
            ? await ClientRegistry.load(ctx.home.clients, keyring.ageIdentity, keyring.ageRecipient)
            : await ClientRegistry.load(ctx.home.clients, keys!.identity, keys!.ageRecipient);
        findings.push({ ok: true, key: "doctor.clientsOk", params: { file: ctx.home.clients } });
        findings.push(...consentFindings(ctx, registry));
      } catch (error) {
        findings.push(damage(ctx, error));
      }
    } else if (hasAgeHeader(await readFile(ctx.home.clients))) {
      findings.push({ ok: true, key: "doctor.clientsHeader", params: { file: ctx.home.clients } });
    } else {
      findings.push(damage(ctx, new UserError(ExitCode.integrity, "clients.damaged", { file: ctx.home.clients })));
    }
  }
  const ledger = new Ledger(ctx.home.ledger);
  if (await exists(ledger.file)) {
    try {
      const { events, newer } = await ledger.read();
      findings.push({ ok: true, key: "doctor.ledgerOk", params: { file: ledger.file, count: events.length } });
      if (newer > 0) findings.push({ ok: false, optional: true, key: "doctor.ledgerNewer", params: { file: ledger.file, count: newer } });
    } catch (error) {
      findings.push(damage(ctx, error));
    }
  }
  const waiting = await countAbandonedPlaces(stagingListDir(ctx.home.root));
  if (waiting > 0) findings.push({ ok: true, key: "doctor.stagingListed", params: { count: waiting } });
  return findings;
}

export async function run(ctx: CliContext): Promise<void> {
  const findings: Finding[] = [nodeFinding()];
  const root = ctx.home.root;
  if (!(await exists(root))) {
    findings.push({ ok: false, key: "doctor.noHome", params: { home: root } });
  } else {
    const loose = await loosePermissions(root);
    findings.push(
      loose.length === 0
        ? { ok: true, key: "doctor.homeOk", params: { home: root } }
        : { ok: false, key: "doctor.homeLoose", params: { home: root, count: loose.length, example: loose[0]! } },
    );
    findings.push(...(await homeFileFindings(ctx)));
    findings.push(...(await folderFindings(ctx)));
  }
  for (const [tool, args] of [
    ["age", ["--version"]],
    ["minisign", ["-v"]],
  ] as const) {
    const version = toolVersion(tool, [...args]);
    findings.push({
      ok: version !== undefined,
      optional: true,
      key: version !== undefined ? "doctor.tool" : "doctor.noTool",
      params: { tool, version: version ?? "" },
    });
  }
  const { mediaDoctorLines } = await import("../../media/index.js");
  const settings = ctx.configDamage === undefined ? ctx.settings : {};
  const ffmpegConfig = { ffmpegPath: settings.ffmpegPath as string | undefined, ffprobePath: settings.ffprobePath as string | undefined };
  for (const line of await mediaDoctorLines(ffmpegConfig)) {
    findings.push({ ok: line.ok, ...(line.optional ? { optional: true } : {}), key: line.key, ...(line.params ? { params: line.params } : {}) });
  }
  if (ctx.configDamage === undefined) {
    const channels = Object.keys(ctx.settings.channels ?? {});
    findings.push({ ok: true, key: "doctor.channels", params: { count: channels.length, names: channels.join(", ") || "-" } });
  }
  for (const f of findings) ctx.out.line(`${f.ok ? "✓" : f.optional ? "–" : "✗"} ${ctx.out.text(f.key, f.params)}`);
  ctx.out.result(findings.map((f) => ({ ok: f.ok, optional: f.optional ?? false, text: ctx.out.text(f.key, f.params) })));
  if (findings.some((f) => !f.ok && !f.optional)) process.exitCode = ExitCode.failure;
}

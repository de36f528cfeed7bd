/**
 * How a command obtains the practice: its keys from the agent when one runs for this home
 * (`nachklang unlock`), else from the keyring with the passphrase (prompt, --passphrase-file,
 * NACHKLANG_PASSPHRASE) — once per process either way; then the client registry and, when a
 * channel needs them, the channel secrets, both read through those keys.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { realpathSync } from "node:fs";
import { ExitCode, PolicyError, UserError, unwritableFile } from "../errors.js";
import type { Identity } from "../age/index.js";
import type { AgentLookup } from "../agent/client.js";
import { agentPaths, checkSocketPath, inspectAgentPlace, type AgentPaths } from "../agent/paths.js";
import { ClientRegistry } from "../practice/clients.js";
import type { Keyring } from "../practice/keyring.js";
import type { PracticeKeys } from "../practice/keys.js";
import type { ChannelSecrets } from "../practice/secrets.js";
import { DEFAULT_SCRYPT_LOG_N, testScryptLogN } from "../practice/sealed-file.js";
import { listStagingPlace, stagingListDir, sweepListedPlaces } from "../practice/staging.js";
import { exists } from "../files.js";
import { canonicalPassphrase } from "../viewer/passphrase.js";
import { readKeyringPassphrase, type CliContext } from "./context.js";

export interface Practice {
  readonly keys: PracticeKeys;
  readonly clients: ClientRegistry;
  /** The channel secrets (`secrets.age`), read on first use. */
  secrets(): Promise<ChannelSecrets>;
  /** Store a secret (e.g. `channel.threema.secret`); undefined removes it. */
  setSecret(name: string, value: string | undefined): Promise<void>;
  /** Whether a (canonical) viewer passphrase is the keyring's passphrase. */
  isKeyringPassphrase(candidate: string): Promise<boolean>;
}

const lookups = new Map<string, Promise<AgentLookup>>();
const keysOf = new Map<string, Promise<PracticeKeys>>();
const practices = new Map<string, Promise<Practice>>();
/** The passphrase that unlocked a home's keyring in this process (none when the agent holds the keys). */
const passphrases = new Map<string, string>();

/**
 * The home as the agent knows it: its real path, so that every spelling of it (a link to it, a
 * relative --home) reaches the one agent `lock` stops.
 */
export function agentHome(ctx: CliContext): string {
  try {
    return realpathSync(ctx.home.root);
  } catch {
    return ctx.home.root;
  }
}

export function agentPlace(ctx: CliContext): AgentPaths {
  return agentPaths(agentHome(ctx));
}

/**
 * The home's agent, if one runs (asked once per process); a dead agent's socket is removed and
 * reported (stderr). The agent's client code loads only when there is a socket to talk to.
 */
export function lookupAgent(ctx: CliContext): Promise<AgentLookup> {
  const root = ctx.home.root;
  let found = lookups.get(root);
  if (found === undefined) {
    found = findHomeAgent(ctx);
    lookups.set(root, found);
    found.catch(() => lookups.delete(root));
  }
  return found;
}

async function findHomeAgent(ctx: CliContext): Promise<AgentLookup> {
  const paths = agentPlace(ctx);
  if ((await inspectAgentPlace(paths)) === "none") return { state: "absent" };
  checkSocketPath(paths);
  const { findAgent } = await import("../agent/client.js");
  const found = await findAgent(agentHome(ctx), paths);
  if (found.state === "stale") ctx.out.warn("agent.stale", { socket: found.socket });
  // An agent left from a keyring this home no longer has (made anew, restored): what a command
  // sealed through it (the registry, the secrets) would open with nothing this practice holds.
  const practice = ctx.settings.practice;
  if (found.state === "running" && practice !== undefined) {
    const { hello } = found.keys;
    if (hello.recipient !== practice.ageRecipient || hello.keyId !== practice.keyId) throw new UserError(ExitCode.usage, "agent.otherKeys", { socket: paths.socket });
  }
  return found;
}

/**
 * The keyring unlocked in this process with the passphrase (`passphrase`, else --passphrase-file,
 * NACHKLANG_PASSPHRASE or the prompt), never through the agent: for `unlock` itself, for
 * `keys export --identity` (the one command that hands a private key out, to a file the user
 * names), `keys strengthen` and `doctor`'s integrity check. Without a passphrase source and
 * without a terminal: exit 2, "locked", at once. A damaged keyring is exit 5 (keyring.ts).
 */
export async function unlockKeyringHere(ctx: CliContext, given?: string): Promise<Keyring> {
  if (!(await exists(ctx.home.keyring))) throw new UserError(ExitCode.usage, "practice.missing", { file: ctx.home.keyring });
  let passphrase: string;
  try {
    passphrase = given ?? (await readKeyringPassphrase(ctx));
  } catch (error) {
    if (!(error instanceof UserError && error.key === "passphrase.none")) throw error;
    // Unlocked already: it is the passphrase itself this command needs, not `unlock`.
    const unlocked = (await agentState(ctx).catch(() => undefined))?.unlocked === true;
    throw new UserError(ExitCode.usage, unlocked ? "agent.needsPassphrase" : "agent.locked");
  }
  const { unlockKeyring } = await import("../practice/keyring.js");
  const keyring = await unlockKeyring(ctx.home.keyring, passphrase);
  passphrases.set(ctx.home.root, passphrase);
  await afterUnlock(ctx, keyring.ageIdentity);
  return keyring;
}

const checked = new Set<string>();

/**
 * What every command that obtains the practice's keys does once, from the keyring or from the
 * agent alike: warn when the keyring is weaker than the default work factor (its header says
 * so without the passphrase; not while the test-only variable is set: tests make such keyrings
 * on purpose and would drown in the warning), and sweep the staging places that runs killed
 * before they finished listed (reading the list needs the practice key).
 */
async function afterUnlock(ctx: CliContext, identity: string | Identity): Promise<void> {
  if (checked.has(ctx.home.root)) return;
  checked.add(ctx.home.root);
  if (testScryptLogN() === undefined) {
    const { keyringWorkFactor } = await import("../practice/keyring.js");
    const logN = await keyringWorkFactor(ctx.home.keyring).catch(() => undefined);
    if (logN !== undefined && logN < DEFAULT_SCRYPT_LOG_N) ctx.out.warn("keyring.weak", { file: ctx.home.keyring, logN });
  }
  await sweepListedPlaces(stagingListDir(ctx.home.root), { identities: [identity] });
}

/**
 * For `open`: list a staging place in the home before staging there (practice/staging.ts), so
 * that a later run can remove what a killed run left. Undefined without a practice in the home
 * (a client opening with --identity keeps no list; the next `open` into the same folder sweeps).
 */
export function stagingRegistrar(ctx: CliContext): ((parent: string) => Promise<() => Promise<void>>) | undefined {
  const recipient = ctx.settings.practice?.ageRecipient;
  if (recipient === undefined) return undefined;
  const listDir = stagingListDir(ctx.home.root);
  return (parent) =>
    listStagingPlace(listDir, recipient, parent).catch((error: unknown) => {
      throw unwritableFile(listDir, error) ?? error;
    });
}

/** The practice's keys: the agent's when one runs for this home, else the keyring's (passphrase). */
export function practiceKeys(ctx: CliContext): Promise<PracticeKeys> {
  const root = ctx.home.root;
  let keys = keysOf.get(root);
  if (keys === undefined) {
    keys = obtainKeys(ctx);
    keysOf.set(root, keys);
    keys.catch(() => keysOf.delete(root));
  }
  return keys;
}

async function obtainKeys(ctx: CliContext): Promise<PracticeKeys> {
  const found = await lookupAgent(ctx);
  if (found.state === "running") {
    await afterUnlock(ctx, found.keys.identity);
    return found.keys;
  }
  const keyring = await unlockKeyringHere(ctx);
  const { KeyringKeys } = await import("../practice/keyring-keys.js");
  return new KeyringKeys(keyring);
}

export function unlockPractice(ctx: CliContext): Promise<Practice> {
  const root = ctx.home.root;
  let practice = practices.get(root);
  if (practice === undefined) {
    practice = openPractice(ctx);
    practices.set(root, practice);
    practice.catch(() => practices.delete(root));
  }
  return practice;
}

async function openPractice(ctx: CliContext): Promise<Practice> {
  // A damaged config.json (exit 5) is said by every command that opens the practice, also by
  // those that read only the registry (`client list`, `consent show`); `doctor` reports it itself.
  if (ctx.configDamage !== undefined) throw ctx.configDamage;
  const keys = await practiceKeys(ctx);
  const clients = await ClientRegistry.load(ctx.home.clients, keys.identity, keys.ageRecipient);
  let secrets: Promise<Record<string, string>> | undefined;
  const store = () => import("../practice/secrets.js");
  return {
    keys,
    clients,
    secrets() {
      secrets ??= store().then((s) => s.readChannelSecrets(ctx.home.secrets, keys.identity));
      return secrets;
    },
    async setSecret(name, value) {
      const stored = await (await store()).setChannelSecret(ctx.home.secrets, keys.ageRecipient, keys.identity, name, value);
      secrets = Promise.resolve({ ...stored });
    },
    isKeyringPassphrase: (candidate) => opensKeyring(ctx, candidate),
  };
}

/**
 * The client as stored now, held while a follow-up for them enters the outbox (the settings
 * lock, src/practice/settings-lock.ts): a `client forget` or `consent withdraw` that ran while
 * the follow-up was composed is seen here, and one started now waits. Rejects, with the lock
 * released, when the client is gone, forgotten, or has no current consent for `channelType`.
 */
export async function holdClient(ctx: CliContext, keys: PracticeKeys, alias: string, channelType: string): Promise<() => Promise<void>> {
  const [{ lockSettings }, { currentConsent }, { missingConsent }] = await Promise.all([
    import("../practice/settings-lock.js"),
    import("../practice/consent.js"),
    import("../followup/validate.js"),
  ]);
  const release = await lockSettings(ctx.home.root);
  try {
    const client = (await ClientRegistry.load(ctx.home.clients, keys.identity, keys.ageRecipient)).require(alias);
    if (client.forgotten !== undefined) throw new UserError(ExitCode.usage, "client.forgottenUse", { alias, date: client.forgotten });
    if (currentConsent(client, channelType) === undefined) {
      const missing = missingConsent(alias, channelType);
      throw new PolicyError(missing.key, missing.params);
    }
  } catch (error) {
    await release();
    throw error;
  }
  return release;
}

/**
 * Whether a candidate passphrase (as typed, or canonical) unwraps the keyring. With the agent
 * the passphrase is not in this process, so the keyring itself is asked (one scrypt; only
 * commands that agree a viewer passphrase ask).
 */
async function opensKeyring(ctx: CliContext, candidate: string): Promise<boolean> {
  const known = passphrases.get(ctx.home.root);
  if (known !== undefined) return [known, canonicalPassphrase(known)].some((p) => sameText(p, candidate));
  const { unlockKeyring } = await import("../practice/keyring.js");
  for (const passphrase of new Set([candidate, canonicalPassphrase(candidate)])) {
    try {
      await unlockKeyring(ctx.home.keyring, passphrase);
      return true;
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
    }
  }
  return false;
}

function sameText(a: string, b: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Refuse (exit 4) a viewer passphrase that is the keyring passphrase: whoever opens the viewer
 * would hold the key to every record of the practice.
 */
export async function refuseKeyringPassphraseAsViewer(practice: Practice, viewerPassphrase: string, file: string, generate: string): Promise<void> {
  if (await practice.isKeyringPassphrase(viewerPassphrase)) throw new PolicyError("viewer.passphraseIsKeyring", { file, generate });
}

/** Whether the practice is unlocked (an agent holds its keys), and until when. */
export type AgentState =
  | { readonly unlocked: false }
  | { readonly unlocked: true; readonly until: Date; readonly idleUntil: Date; readonly idleMinutes: number; readonly pid: number };

export async function agentState(ctx: CliContext): Promise<AgentState> {
  const found = await lookupAgent(ctx);
  if (found.state !== "running") return { unlocked: false };
  const { hello } = found.keys;
  return { unlocked: true, until: new Date(hello.until), idleUntil: new Date(hello.idleUntil), idleMinutes: hello.idleMinutes, pid: hello.pid };
}

/** A time for people in the practice's zone (the contact hours' zone, else the system's). */
export async function practiceTime(ctx: CliContext, at: Date): Promise<string> {
  const { formatLocal, systemZone } = await import("../delivery/hours.js");
  const stored = ctx.settings.hours as { tz?: unknown } | undefined;
  const tz = typeof stored?.tz === "string" ? stored.tz : systemZone();
  return formatLocal(at, tz, ctx.lang);
}

/**
 * Make what this command asks the home's agent (if one runs) not count as use: for commands that
 * only look (`status`, `doctor`), which a monitor may run every minute.
 */
export async function lookOnly(ctx: CliContext): Promise<void> {
  const found = await lookupAgent(ctx);
  if (found.state === "running") found.keys.lookingOnly();
}

/** The line saying whether the practice is unlocked, and until when. */
export async function agentStateText(ctx: CliContext, state: AgentState): Promise<string> {
  if (!state.unlocked) return ctx.out.text("agent.stateLocked");
  return ctx.out.text("agent.stateUnlocked", { until: await practiceTime(ctx, state.until), idle: await practiceTime(ctx, state.idleUntil), pid: state.pid });
}

/** The practice's public details from the config (no passphrase needed). */
export function practicePublic(ctx: CliContext): { name?: string; ageRecipient: string; keyId: string; minisignPublicKey: string } {
  const practice = ctx.settings.practice;
  if (practice === undefined) throw new UserError(ExitCode.usage, "practice.missing", { file: ctx.home.keyring });
  return practice;
}

export function minisignPublicKeyFile(keyId: string, line: string): string {
  return `untrusted comment: minisign public key ${keyId}\n${line}\n`;
}

/**
 * Every documented command line runs (docs/documentation.md): the fenced `sh`, `cron` and `ini`
 * blocks of README.md and docs/**\/*.md, line by line, through the real CLI, in one throwaway
 * practice per page, with channels pointed at the Threema Gateway emulator, the signal-cli
 * emulator and a local SMTP server. A block that cannot run says why (`<!-- not run: … -->`).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIdentity, identityToRecipient } from "../../src/age/index.js";
import { callbackMac } from "../../src/channels/threema/callback.js";
import { fingerprint, toHex } from "../../src/channels/threema/crypto.js";
import { encodeDeliveryReceipt, encryptMessage, MessageType } from "../../src/channels/threema/message.js";
import { ClientRegistry } from "../../src/practice/clients.js";
import { withConsent } from "../../src/practice/consent.js";
import { unlockKeyring } from "../../src/practice/keyring.js";
import { SMTP_PASSWORD, startSmtp, type LocalSmtp } from "../channels/email/smtp.js";
import { SignalCliEmulator } from "../channels/signal/emulator.js";
import { GatewayEmulator, makeIdentity, type Identity } from "../channels/threema/emulator.js";
import { BIN, PASSPHRASE, ROOT } from "../helpers/cli.js";
import { hasCommand, missing } from "../helpers/tools.js";
import { madePhoto, madeRecording } from "../helpers/made-media.js";

// ---------------------------------------------------------------------------------------------
// Reading the pages

export interface Block {
  readonly page: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly text: string;
  /** `<!-- not run: REASON -->` right before the fence. */
  readonly notRun?: string;
  /** `<!-- file: NAME -->` right before the fence. */
  readonly file?: string;
}

/** The fenced blocks of a Markdown page, with the marker comment on the line before each. */
export function fencedBlocks(page: string, markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? "");
    if (open === null) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`${page}:${i + 1}: unclosed fence`);
    const before = (lines[i - 1] ?? "").trim();
    const notRun = /^<!--\s*not run:(.*?)-->$/.exec(before)?.[1];
    const file = /^<!--\s*file:\s*(\S+)\s*-->$/.exec(before)?.[1];
    blocks.push({
      page,
      line: i + 1,
      lang: open[1] ?? "",
      text: lines.slice(i + 1, end).join("\n"),
      ...(notRun === undefined ? {} : { notRun: notRun.trim() }),
      ...(file === undefined ? {} : { file }),
    });
    i = end;
  }
  return blocks;
}

export interface Command {
  readonly line: number;
  readonly text: string;
  /** cron and systemd lines: variables they set, and no NACHKLANG_PASSPHRASE. */
  readonly scheduled?: Readonly<Record<string, string>>;
}

const RUN_LANGS = new Set(["sh", "cron", "ini"]);

/** The command lines of a block that is run: continuation lines joined, comments and blanks left out. */
export function commandsOf(block: Block): Command[] {
  const raw = block.text.split("\n");
  const out: Command[] = [];
  const vars: Record<string, string> = {};
  for (let i = 0; i < raw.length; i++) {
    const line = block.line + 1 + i;
    let text = raw[i] ?? "";
    while (text.endsWith("\\") && i + 1 < raw.length) text = text.slice(0, -1) + " " + (raw[++i] ?? "").trim();
    const trimmed = text.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    if (block.lang === "sh") out.push({ line, text: trimmed });
    else if (block.lang === "cron") {
      const assignment = /^([A-Z_]+)=(.*)$/.exec(trimmed);
      if (assignment) vars[assignment[1]!] = assignment[2]!;
      else out.push({ line, text: trimmed.split(/\s+/).slice(5).join(" "), scheduled: { ...vars } });
    } else if (block.lang === "ini") {
      const env = /^Environment=([A-Z_]+)=(.*)$/.exec(trimmed);
      if (env) vars[env[1]!] = env[2]!;
      const exec = /^ExecStart=(.*)$/.exec(trimmed);
      if (exec) out.push({ line, text: exec[1]!, scheduled: { ...vars } });
    }
  }
  return out;
}

/** A nachklang command anywhere in a block (also inside YAML such as `run: npx nachklang …`). */
const NACHKLANG_COMMAND = /(?:^|[\s:])(?:npx (?:--yes )?)?nachklang (?:[a-z]|--)/m;

async function pages(): Promise<string[]> {
  const docs = (await readdir(join(ROOT, "docs"), { recursive: true })).filter((f) => f.endsWith(".md")).map((f) => join("docs", f));
  return ["README.md", ...docs.sort()];
}

// ---------------------------------------------------------------------------------------------
// The checks of the pages themselves (no commands run)

describe("documented command blocks", () => {
  it("are run, or say why not; a content block never hides a nachklang command", async () => {
    const problems: string[] = [];
    let run = 0;
    for (const page of await pages()) {
      for (const block of fencedBlocks(page, await readFile(join(ROOT, page), "utf8"))) {
        const where = `${page}:${block.line}`;
        if (block.notRun !== undefined) {
          if (block.notRun === "") problems.push(`${where}: "not run" without a reason`);
          continue;
        }
        if (RUN_LANGS.has(block.lang)) {
          if (block.lang === "ini" && /^ExecStart=(?!\/usr\/bin\/env nachklang )/m.test(block.text)) problems.push(`${where}: a unit that does not run nachklang must be marked`);
          run += commandsOf(block).length;
        } else if (NACHKLANG_COMMAND.test(block.text) && block.file === undefined) {
          problems.push(`${where}: a \`${block.lang || "plain"}\` block with a nachklang command, neither run nor marked "not run"`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(run).toBeGreaterThan(50);
  });

  it("reads the markers and joins continued lines as documented", () => {
    const blocks = fencedBlocks("x.md", "<!-- not run: a reason -->\n```sh\nnachklang a \\\n  --b c   # note\n```\n\n<!-- file: w.csv -->\n```csv\na,b\n```\n");
    expect(blocks.map((b) => [b.lang, b.notRun, b.file])).toEqual([
      ["sh", "a reason", undefined],
      ["csv", undefined, "w.csv"],
    ]);
    expect(commandsOf(blocks[0]!).map((c) => c.text)).toEqual(["nachklang a  --b c   # note"]);
    const cron = commandsOf({ page: "x", line: 1, lang: "cron", text: "PATH=/usr/bin\n*/15 * * * 1-5  nachklang outbox flush >> log 2>&1" });
    expect(cron).toEqual([{ line: 3, text: "nachklang outbox flush >> log 2>&1", scheduled: { PATH: "/usr/bin" } }]);
  });
});

// ---------------------------------------------------------------------------------------------
// Running them

const ALIAS = /\bk\d{3}\b/g;
const GATEWAY_ID = "*ABCDEFG";
const THREEMA_CLIENT = "ECHOECHO";
const SIGNAL_ACCOUNT = "+4930123456";
const VIEWER_PASSPHRASES = { "agreed.txt": "kastanie-am-fluss-7", "one-off.txt": "nur-fuer-diesen-einen" } as const;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

describe.skipIf(missing("ffmpeg"))("every documented command line runs", () => {
  let scratch: string;
  let shims: string;
  let practiceTemplate: string;
  let gateway: GatewayEmulator;
  let threemaClient: Identity;
  let signal: SignalCliEmulator;
  let smtp: LocalSmtp;
  /** Each page's folder (its HOME), for the checks after the run. */
  const homes = new Map<string, string>();

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), "nachklang-docs-"));
    // `nachklang` and `npx nachklang` on PATH are this checkout (as `npm install -g .` would link it).
    shims = join(scratch, "bin");
    await mkdir(shims);
    const node = JSON.stringify(process.execPath);
    const bin = JSON.stringify(BIN);
    await writeFile(join(shims, "nachklang"), `#!/bin/sh\nexec ${node} ${bin} "$@"\n`, { mode: 0o755 });
    await writeFile(
      join(shims, "npx"),
      `#!/bin/sh\n[ "$1" = "--yes" ] && shift\n[ "$1" = "nachklang" ] || { echo "npx: only nachklang here" >&2; exit 127; }\nshift\nexec ${node} ${bin} "$@"\n`,
      { mode: 0o755 },
    );
    gateway = await new GatewayEmulator({ gatewayId: GATEWAY_ID }).start();
    threemaClient = gateway.addIdentity(makeIdentity(THREEMA_CLIENT));
    signal = await SignalCliEmulator.start({ accounts: [SIGNAL_ACCOUNT], version: "0.14.6" });
    smtp = await startSmtp();
    // One practice, copied for every page that does not make its own.
    practiceTemplate = join(scratch, "template");
    await mkdir(practiceTemplate);
    const init = await sh('nachklang init --name "Praxis Beispiel" --lang de', practiceTemplate);
    if (init.code !== 0) throw new Error(init.stderr);
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await signal?.stop();
    await smtp?.close();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  function sh(command: string, home: string, scheduled?: Readonly<Record<string, string>>, extraEnv: Record<string, string> = {}): Promise<Run> {
    const env: Record<string, string | undefined> = {
      ...process.env,
      HOME: home,
      PATH: `${shims}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      NACHKLANG_PASSPHRASE: PASSPHRASE,
      NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: "10",
      LANG: "en_US.UTF-8",
      NACHKLANG_HOME: undefined,
      NACHKLANG_NOW: undefined,
      XDG_DATA_HOME: undefined,
      LC_ALL: undefined,
      LC_MESSAGES: undefined,
      ...extraEnv,
    };
    if (scheduled !== undefined) {
      // cron and systemd: no passphrase in the environment, and their own PATH, with the
      // folder `npm install -g .` would have used (here: the shims) first.
      delete env.NACHKLANG_PASSPHRASE;
      for (const [name, value] of Object.entries(scheduled)) env[name] = name === "PATH" ? `${shims}:${value}` : value;
      command = command.replaceAll("%h", home);
    }
    return new Promise((done, fail) => {
      const child = spawn("sh", ["-c", command], { cwd: home, env, stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      child.on("error", fail);
      child.on("close", (code) => done({ code: code ?? -1, stdout, stderr }));
      // What a person would type where a line reads from the terminal: the keyring passphrase.
      child.stdin.on("error", () => undefined); // a line that never reads its input
      child.stdin.end(`${PASSPHRASE}\n`);
    });
  }

  /** A page's practice: its folder (HOME), the aliases it uses, and how to fill placeholders. */
  class Page {
    readonly home: string;
    private clientsMade = false;
    constructor(
      readonly name: string,
      readonly blocks: readonly Block[],
      index: number,
    ) {
      this.home = join(scratch, `page-${index}`);
    }

    get practice(): string {
      return join(this.home, ".local", "share", "nachklang");
    }

    private get commands(): Command[] {
      return this.blocks.filter((b) => b.notRun === undefined && RUN_LANGS.has(b.lang)).flatMap(commandsOf);
    }

    /** Aliases the page uses but does not add itself. */
    private givenAliases(): string[] {
      const texts = [...this.commands.map((c) => c.text), ...this.blocks.filter((b) => b.file !== undefined).map((b) => b.text)];
      const used = new Set(texts.flatMap((t) => t.match(ALIAS) ?? []));
      for (const c of this.commands) for (const [, added] of c.text.matchAll(/client add (k\d{3})/g)) used.delete(added!);
      return [...used].sort();
    }

    async prepare(): Promise<void> {
      await mkdir(this.home, { recursive: true });
      const makesItsOwn = this.commands.some((c) => /\bnachklang init\b/.test(c.text));
      if (!makesItsOwn) await cp(join(practiceTemplate, ".local"), join(this.home, ".local"), { recursive: true });
      for (const block of this.blocks.filter((b) => b.file !== undefined)) {
        const file = join(this.home, block.file!);
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, block.text + "\n");
        for (const named of mediaNamedIn(block.text)) await this.generate(resolve(dirname(file), named));
      }
      if (!makesItsOwn) await this.addClients(this.givenAliases());
      else expect(this.givenAliases(), `${this.name} makes its own practice, so it must add every client it uses`).toEqual([]);
    }

    /** Clients with an age key of their own and consent for the folder channel. */
    private async addClients(aliases: readonly string[]): Promise<void> {
      if (aliases.length === 0 || this.clientsMade) return;
      this.clientsMade = true;
      const keyring = await unlockKeyring(join(this.practice, "keyring.age"), PASSPHRASE);
      const clients = await ClientRegistry.load(join(this.practice, "clients.age"), keyring.ageIdentity, keyring.ageRecipient);
      for (const alias of aliases) {
        const ageRecipient = await identityToRecipient(generateIdentity());
        await clients.put(withConsent({ alias, lang: "de", ageRecipient, pinnedKeys: {}, consents: [], created: new Date().toISOString() }, "folder", "2026-11-01", "1"));
      }
    }

    /** The line as it runs here: test servers instead of real ones, placeholders filled, files made. */
    async prepareLine(command: Command): Promise<string> {
      let text = command.text
        .replaceAll("channels add threema", `channels add threema --api-url ${gateway.url}`)
        .replaceAll("http://127.0.0.1:8080", signal.url)
        .replaceAll("--host smtp.example.org --port 587", `--host 127.0.0.1 --port ${smtp.port}`)
        .replaceAll("'the SMTP password'", `'${SMTP_PASSWORD}'`)
        .replaceAll("0a1b2c3d4e5f60718293a4b5c6d7e8f9", fingerprint(threemaClient.publicKey))
        .replaceAll("<64 hex digits>", toHex(threemaClient.publicKey));
      if (text.includes("<bundle-id>")) {
        const id = /outbox cancel <bundle-id>/.test(text) ? await this.waiting() : /outbox retry <bundle-id>/.test(text) ? await this.failed() : await this.bundle();
        text = text.replaceAll("<bundle-id>", id);
      }
      if (text.includes("<time-id>")) text = text.replaceAll("<time-id>", await this.timeEntry());
      const left = /<[a-z0-9][a-z0-9 -]*>/.exec(text);
      if (left !== null) throw new Error(`${this.name}:${command.line}: no value for the placeholder ${left[0]}`);
      for (const file of filesNamedIn(text)) await this.generate(resolve(this.home, file.replace(/^~\//, `${this.home}/`)));
      return text;
    }

    async run(command: string, scheduled?: Readonly<Record<string, string>>, env?: Record<string, string>): Promise<Run> {
      return sh(command, this.home, scheduled, env);
    }

    private async ok(command: string, env?: Record<string, string>): Promise<Run> {
      const r = await this.run(command, undefined, env);
      if (r.code !== 0) throw new Error(`${this.name}: preparing a placeholder, ${command} → ${r.code}\n${r.stderr}`);
      return r;
    }

    /** The newest bundle in the page's folder; one is sealed when there is none. */
    private async bundle(): Promise<string> {
      const newest = async () => {
        const found = (await readdir(this.home)).filter((f) => /^[0-9a-z]{26}\.age$/.test(f));
        const times = await Promise.all(found.map(async (f) => [(await stat(join(this.home, f))).mtimeMs, f] as const));
        return times.sort((a, b) => b[0] - a[0])[0]?.[1];
      };
      let file = await newest();
      if (file === undefined) {
        await this.generate(join(this.home, "placeholder-photo.jpg"));
        await this.ok(`nachklang seal placeholder-photo.jpg --to ${await this.anyClient()} --note "Bis bald."`);
        file = await newest();
      }
      return file!.replace(/\.age$/, "");
    }

    /** The newest contact-time entry of the page's first client; one is logged when there is none. */
    private async timeEntry(): Promise<string> {
      const alias = await this.anyClient();
      const listed = JSON.parse((await this.ok(`nachklang --json time list ${alias}`)).stdout) as { entries: { id: string }[] };
      const newest = listed.entries.at(-1)?.id;
      if (newest !== undefined) return newest;
      return (JSON.parse((await this.ok(`nachklang --json time log ${alias} 10m --kind phone`)).stdout) as { id: string }).id;
    }

    /** A client of the page's own, or one added for the placeholder when the page names none. */
    private async anyClient(): Promise<string> {
      const alias = this.givenAliases()[0];
      if (alias !== undefined) return alias;
      if (!this.extraClient) {
        await this.addClientNamed("k100");
        this.extraClient = true;
      }
      return "k100";
    }
    private extraClient = false;

    /** A follow-up waiting in the outbox (planned far ahead). */
    private async waiting(alias?: string): Promise<string> {
      const r = await this.ok(`nachklang --json send ${alias ?? (await this.anyClient())} --note "Bis bald." --at "2099-01-05 10:00" --yes`);
      return (JSON.parse(r.stdout) as { id: string }).id;
    }

    /** A follow-up whose delivery failed: queued, consent withdrawn, flushed when due. */
    private async failed(): Promise<string> {
      await this.addClientNamed("k099");
      const id = await this.waiting("k099");
      await this.ok("nachklang consent withdraw k099 --channel folder");
      const flush = await this.run("nachklang outbox flush", undefined, { NACHKLANG_NOW: "2099-01-05T10:30:00+01:00" });
      expect(flush.code, flush.stderr).toBe(4);
      return id;
    }

    private async addClientNamed(alias: string): Promise<void> {
      const recipient = await identityToRecipient(generateIdentity());
      await this.ok(`nachklang client add ${alias} --lang de --age-recipient ${recipient}`);
      await this.ok(`nachklang consent record ${alias} --channel folder`);
    }

    /** Make a file a line names, when nobody has made it yet. */
    async generate(path: string): Promise<void> {
      if (existsSync(path)) return;
      const name = relative(dirname(path), path);
      await mkdir(dirname(path), { recursive: true });
      const text = (value: string) => writeFile(path, value + "\n", { mode: 0o600 });
      if (/\.jpe?g$/i.test(name)) await madePhoto(path, "jpeg");
      else if (/\.png$/i.test(name)) await madePhoto(path, "png");
      else if (/\.wav$/i.test(name)) await madeRecording(path);
      else if (/^(threema-)?secret\.txt$/.test(name)) await text(gateway.secret);
      else if (/^(key|threema-private)\.txt$/.test(name)) await text(`private:${toHex(gateway.gateway.privateKey)}`);
      else if (name === "smtp-password.txt") await text(SMTP_PASSWORD);
      else if (name in VIEWER_PASSPHRASES) await text(VIEWER_PASSPHRASES[name as keyof typeof VIEWER_PASSPHRASES]);
      else if (name === "callbacks.txt") await text(this.receipt());
      else if (name === "practice.pub") await this.ok(`nachklang keys export --minisign ${JSON.stringify(path)}`);
      else if (name === "manifest.json" || name === "manifest.json.minisig") {
        const id = await this.bundle();
        await this.ok(`nachklang open ${id}.age --out opened-for-manifest`);
        for (const f of ["manifest.json", "manifest.json.minisig"]) await cp(join(this.home, "opened-for-manifest", f), join(dirname(path), f));
      }
    }

    /** One Gateway callback line: a delivery receipt from the Threema test client. */
    private receipt(): string {
      const message = encryptMessage(MessageType.deliveryReceipt, encodeDeliveryReceipt({ status: "read", messageIds: ["ffffffffffffffff"] }), gateway.gateway.publicKey, threemaClient.privateKey);
      const fields = { from: THREEMA_CLIENT, to: GATEWAY_ID, messageId: "0123456789abcdef", date: "1763800000", nonce: toHex(message.nonce), box: toHex(message.box) };
      return new URLSearchParams({ ...fields, mac: callbackMac(fields, gateway.secret) }).toString();
    }
  }

  it("README.md and every page of docs/", async () => {
    const failures: string[] = [];
    let ran = 0;
    /** A page's lines run in order, in its own practice; pages are independent of each other. */
    const runPage = async (index: number, name: string): Promise<void> => {
      const blocks = fencedBlocks(name, await readFile(join(ROOT, name), "utf8"));
      const page = new Page(name, blocks, index);
      homes.set(name, page.home);
      await page.prepare();
      for (const block of blocks.filter((b) => b.notRun === undefined && RUN_LANGS.has(b.lang))) {
        for (const command of commandsOf(block)) {
          const tool = /^\s*(?:[A-Z_]+=\S+\s+)*(\S+)/.exec(command.text)?.[1] ?? "";
          if (!/^(nachklang$|npx$|\(|\/usr\/bin\/env$)/.test(tool) && !hasCommand(tool)) {
            console.warn(`SKIPPED: ${name}:${command.line} needs '${tool}', which is not installed.`);
            continue;
          }
          const line = await page.prepareLine(command);
          const started = Date.now();
          const r = await page.run(line, command.scheduled);
          if (process.env.DOCS_TIMING) console.log(`${Date.now() - started} ms ${name}:${command.line} ${line.slice(0, 80)}`);
          ran++;
          if (r.code !== 0) failures.push(`${name}:${command.line}: ${command.text}\n  → exit ${r.code}: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join("\n    ")}`);
        }
      }
    };
    // Three pages at a time: a line spends much of its time starting Node and waiting on files.
    const queue = [...(await pages()).entries()];
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) await runPage(...next);
    };
    await Promise.all([worker(), worker(), worker()]);
    expect(failures).toEqual([]);
    expect(ran).toBeGreaterThan(50);
  }, 600_000);

  it("the cron line logged its run where it says, and read the passphrase from the file it names", async () => {
    const home = homes.get("docs/workflow.md");
    if (home === undefined) throw new Error("docs/workflow.md was not run");
    const log = await readFile(join(home, ".local", "state", "nachklang-flush.log"), "utf8");
    expect(log).toMatch(/^Nichts fällig \(\d+ warten\)\.$/m);
    expect((await stat(join(home, ".config", "nachklang", "passphrase"))).mode & 0o077).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Files the lines name

const MEDIA = /(?:^|[\s"'[(,:])((?:[\w~.-]+\/)*[\w.-]+\.(?:jpe?g|png|wav))\b/gi;

/** Photos and recordings a batch file names (relative to the file). */
function mediaNamedIn(text: string): string[] {
  return [...text.matchAll(MEDIA)].map((m) => m[1]!);
}

/** Files a command line reads: known names and media, not what it writes (`--out`, `keys export`). */
function filesNamedIn(line: string): string[] {
  const words = line.replace(/#.*$/, "").split(/\s+/).map((w) => w.replace(/^["']|["']$/g, ""));
  const writes = new Set(["--out", "--minisign", ...(line.includes("keys export") ? ["--identity"] : []), ">", ">>"]);
  const named: string[] = [];
  words.forEach((word, i) => {
    if (i > 0 && writes.has(words[i - 1]!)) return;
    const path = word.replace(/:[^/]*$/, "");
    if (/\.(jpe?g|png|wav|txt|pub|json|minisig)$/i.test(path) && !path.startsWith("-")) named.push(path);
  });
  return named;
}

import { spawnSync } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { ExitCode } from "../../errors.js";
import type { MessageKey, MessageParams } from "../../messages/index.js";
import { exists } from "../../files.js";
import type { CliContext } from "../context.js";

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

function toolVersion(command: string, args: string[]): string | undefined {
  const r = spawnSync(command, args, { encoding: "utf8" });
  if (r.error || r.status !== 0) return undefined;
  return (r.stdout || r.stderr).split("\n")[0]?.trim();
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
    const keyring = await exists(ctx.home.keyring);
    findings.push({ ok: keyring, key: keyring ? "doctor.keyring" : "doctor.noKeyring", params: { file: ctx.home.keyring } });
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
  const ffmpegConfig = { ffmpegPath: ctx.config.get("ffmpegPath") as string | undefined, ffprobePath: ctx.config.get("ffprobePath") as string | undefined };
  for (const line of await mediaDoctorLines(ffmpegConfig)) {
    findings.push({ ok: line.ok, ...(line.optional ? { optional: true } : {}), key: line.key, ...(line.params ? { params: line.params } : {}) });
  }
  const channels = Object.keys(ctx.config.get("channels") ?? {});
  findings.push({ ok: true, key: "doctor.channels", params: { count: channels.length, names: channels.join(", ") || "-" } });
  for (const f of findings) ctx.out.line(`${f.ok ? "✓" : f.optional ? "–" : "✗"} ${ctx.out.text(f.key, f.params)}`);
  ctx.out.result(findings.map((f) => ({ ok: f.ok, optional: f.optional ?? false, text: ctx.out.text(f.key, f.params) })));
  if (findings.some((f) => !f.ok && !f.optional)) process.exitCode = ExitCode.failure;
}

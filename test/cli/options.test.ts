/**
 * One meaning per flag, read off the command table itself (no process spawned): the keyring
 * passphrase is one global option, and a client's viewer passphrase has its own name everywhere.
 */
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/program.js";

function all(command: Command, path: string[] = []): { path: string; command: Command }[] {
  return command.commands.flatMap((sub) => {
    const here = [...path, sub.name()];
    return [{ path: here.join(" "), command: sub }, ...all(sub, here)];
  });
}

const program = buildProgram(() => undefined);
const commands = all(program);
const longFlags = (c: Command) => c.options.map((o) => o.long ?? "");

describe("passphrase options", () => {
  it("--passphrase-file is a program option (the keyring's), declared by no command of its own", () => {
    expect(longFlags(program)).toContain("--passphrase-file");
    expect(program.options.find((o) => o.long === "--passphrase-file")?.description).toMatch(/keyring/);
    const own = commands.filter(({ command }) => longFlags(command).includes("--passphrase-file")).map(({ path }) => path);
    expect(own).toEqual([]);
  });

  it("every other passphrase file is a client's viewer passphrase, named --viewer-passphrase-file, in viewer, client passphrase, client export and send", () => {
    const files = commands.flatMap(({ path, command }) => longFlags(command).filter((f) => f.includes("passphrase-file")).map((f) => `${path} ${f}`));
    expect(files.sort()).toEqual(["client export --viewer-passphrase-file", "client passphrase --viewer-passphrase-file", "send --viewer-passphrase-file", "viewer --viewer-passphrase-file"]);
  });

  it("every command's help lists the global --passphrase-file", () => {
    for (const { path, command } of commands.filter(({ command }) => command.commands.length === 0)) {
      expect(command.helpInformation(), path).toContain("--passphrase-file <file>");
    }
  });
});

describe("an empty place", () => {
  it("--out \"\" (or another option naming a file or folder) is refused in every command that takes one, before its action runs", async () => {
    const withOut = commands.filter(({ command }) => longFlags(command).includes("--out"));
    expect(withOut.length).toBeGreaterThan(8);
    for (const { path, command } of withOut) {
      const fresh = buildProgram(() => undefined).exitOverride();
      // Every action is replaced: reaching one means the empty --out got through.
      const reached: string[] = [];
      for (const { command } of all(fresh)) command.action(() => void reached.push(command.name()));
      const required = command.options.filter((o) => o.mandatory && o.long !== "--out").flatMap((o) => [o.long ?? "", "x"]);
      const args = [...path.split(" "), ...command.registeredArguments.map(() => "x"), ...required, "--out", ""];
      await expect(fresh.parseAsync(args, { from: "user" }), path).rejects.toMatchObject({ key: "option.emptyPlace", params: { option: "--out" } });
      expect(reached, path).toEqual([]);
    }
  });
});

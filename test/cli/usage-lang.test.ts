/**
 * Usage errors (unknown option, missing argument) come before any command runs. They are in the
 * practice's language; `--lang` switches them only where it means the messages' language. In
 * `client add`, `client edit`, `send` and `templates …` it names the content's language
 * (docs/decisions/lang-flag.md), so there the practice's language still holds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initHome, runCli } from "../helpers/cli.js";

function expectOneLine(result: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr.trim().split("\n"), result.stderr).toHaveLength(1);
  expect(result.stderr.trim()).toMatch(pattern);
  expect(result.stdout).toBe("");
}

describe("usage errors follow the practice's language, not the content's --lang", () => {
  let german: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ home: german, cleanup } = await initHome("Praxis", "de"));
  });
  afterAll(() => cleanup());

  // The help named is the command's own (it said "nachklang BEFEHL --help", a placeholder).
  const UNKNOWN_DE = (command: string) => new RegExp(`^Unbekannte Option „--bogus“\\. „nachklang ${command} --help“ zeigt die Optionen\\.$`);
  const MISSING_DE = (argument: string, command: string) => new RegExp(`^Es fehlt die Angabe „${argument}“\\. „nachklang ${command} --help“ zeigt, was nötig ist\\.$`);

  it.each([
    [["send", "k1", "--lang", "en", "--bogus"], UNKNOWN_DE("send")],
    [["--lang", "en", "send", "k1", "--bogus"], UNKNOWN_DE("send")],
    [["client", "add", "k1", "--lang", "en", "--bogus"], UNKNOWN_DE("client add")],
    [["client", "add", "--lang", "en"], MISSING_DE("alias", "client add")],
    [["client", "edit", "k1", "--lang=en", "--bogus"], UNKNOWN_DE("client edit")],
    [["templates", "render", "--lang", "en"], MISSING_DE("id", "templates render")],
    [["templates", "show", "x", "--lang", "en", "--bogus"], UNKNOWN_DE("templates show")],
    [["group", "add", "sup"], MISSING_DE("aliases", "group add")],
    [["--bogus"], /^Unbekannte Option „--bogus“\. „nachklang --help“ zeigt die Optionen\.$/],
  ])("%j: German, one line, exit 2", async (args, pattern) => {
    expectOneLine(await runCli(args, { home: german }), pattern);
  });

  it("where --lang is the messages' language, it still switches them", async () => {
    expectOneLine(await runCli(["inbox", "--lang", "en", "--bogus"], { home: german }), /^Unknown option '--bogus'/);
    expectOneLine(await runCli(["--lang", "en", "client", "list", "--bogus"], { home: german }), /^Unknown option '--bogus'/);
    expectOneLine(await runCli(["client", "add", "--bogus"], { home: german }), UNKNOWN_DE("client add"));
  });
});

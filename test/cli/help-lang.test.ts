/**
 * The command-line help in the practitioner's language: German from the table in help-de.ts,
 * which must hold every text the help can print; the language chosen as for usage errors.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HELP_DE } from "../../src/cli/help-de.js";
import { helpPrinted, helpTexts } from "../../src/cli/help-lang.js";
import { buildProgram } from "../../src/cli/program.js";
import { initHome, runCli, tempDir } from "../helpers/cli.js";

describe("the German help table", () => {
  const texts = helpTexts(buildProgram(() => undefined));

  it("has every text the help prints, and nothing else", () => {
    expect([...texts].filter((t) => HELP_DE[t] === undefined)).toEqual([]);
    expect(Object.keys(HELP_DE).filter((k) => !texts.has(k))).toEqual([]);
  });

  it("keeps every option, command and environment variable a text names", () => {
    const names = (s: string) => (s.match(/--[a-z][a-z-]*|\bNACHKLANG_[A-Z_]+|<[a-z]+>/g) ?? []).sort();
    const lost = Object.entries(HELP_DE).filter(([en, de]) => names(en).join() !== names(de).join());
    expect(lost).toEqual([]);
  });

  it("translates: no German text equals a longer English one", () => {
    expect(Object.entries(HELP_DE).filter(([en, de]) => en === de && /\s\w+\s/.test(en))).toEqual([]);
  });
});

describe("which command's help a command line prints", () => {
  const program = buildProgram(() => undefined);
  const name = (argv: string[]) => {
    const c = helpPrinted(program, argv);
    return c === undefined ? undefined : c === program ? "nachklang" : c.name();
  };

  it.each([
    [[], "nachklang"],
    [["--help"], "nachklang"],
    [["--home", "/h", "client"], "client"],
    [["--lang", "de", "client", "add", "--help"], "add"],
    [["help", "client"], "nachklang"],
    [["client", "help", "add"], "client"],
    [["client", "add", "k1"], undefined],
    [["client", "bogus"], undefined],
    [["status", "k1"], undefined],
    [["send", "k1", "--", "--help"], undefined],
  ])("%j → %s", (argv, expected) => {
    expect(name(argv)).toBe(expected);
  });
});

describe("nachklang --help", () => {
  let german: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ home: german, cleanup } = await initHome("Praxis", "de"));
  });
  afterAll(() => cleanup());

  it("is German in a German practice, also for a command whose --lang is the content's", async () => {
    for (const args of [["--help"], ["client", "add", "--lang", "en", "--help"], ["client"]]) {
      const r = await runCli(args, { home: german });
      const out = r.stdout + r.stderr;
      expect(out, args.join(" ")).toMatch(/^Aufruf: nachklang/);
      expect(out).toContain(HELP_DE["display help for command"]);
      expect(out).not.toContain("display help for command");
    }
    const add = await runCli(["client", "add", "--help"], { home: german });
    expect(add.stdout).toContain(HELP_DE["add a client under a pseudonym"]);
  });

  it("is English where --lang en says so, or the system's language is not German", async () => {
    const r = await runCli(["--lang", "en", "client", "list", "--help"], { home: german });
    expect(r.stdout).toMatch(/^Usage: nachklang client list/);
    const made = await tempDir();
    try {
      const none = join(made.dir, "none");
      expect((await runCli(["--help"], { home: none })).stdout).toMatch(/^Usage: nachklang/);
      const de = await runCli(["seal", "--help"], { home: none, env: { LANG: "de_DE.UTF-8" } });
      expect(de.stdout).toMatch(/^Aufruf: nachklang seal \[options\] <files\.\.\.>/);
      expect(de.stdout).toContain(HELP_DE["Global Options:"]);
      expect(de.stdout).toMatch(/\(Auswahl:\s+"de",\s+"en"\)/);
    } finally {
      await made.cleanup();
    }
  });
});

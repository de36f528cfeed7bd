/**
 * The settings are read without `conf` on the start-up path (readSettings) and written through
 * conf (loadConfig): both must agree on the file, and a broken file is reported the same way.
 */
import { mkdtemp, rm, writeFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig, readSettings } from "../../src/practice/config.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "nachklang-config-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readSettings", () => {
  it("reads nothing and creates nothing when there is no home yet", async () => {
    const home = join(dir, "home");
    expect(readSettings(home)).toEqual({});
    await expect(stat(home)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("sees exactly what conf wrote", () => {
    const config = loadConfig(dir);
    config.set("lang", "de");
    config.set("practice", { name: "Praxis", ageRecipient: "age1x", keyId: "0123456789ABCDEF", minisignPublicKey: "k" });
    expect(readSettings(dir)).toEqual(config.store);
    expect(readSettings(dir).lang).toBe("de");
  });

  it("reports a broken file as damaged (exit 5), naming it", async () => {
    const file = join(dir, "config.json");
    for (const text of ["{not json", '{"lang":"de","practice":{"name":"Pra', "[]", '{"practice":{"ageRecipient":5}}', '{"channels":{"x":{"type":"folder"}}}']) {
      await writeFile(file, text);
      let caught: unknown;
      try {
        readSettings(dir);
      } catch (error) {
        caught = error;
      }
      expect(caught, text).toMatchObject({ key: "config.damaged", code: 5, params: { file } });
    }
  });
});

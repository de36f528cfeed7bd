/**
 * The day of a consent: not after today, not before EARLIEST_CONSENT_DAY (a typo such as 0202
 * or 1926 was recorded silently), and a withdrawal not before the consent it withdraws. The
 * library rules first, then the real CLI for `consent record`, `consent withdraw` and
 * `client import`.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExitCode, UserError } from "../../src/errors.js";
import type { ClientRecord } from "../../src/practice/clients.js";
import { consentDay, doubtfulConsents, EARLIEST_CONSENT_DAY, withConsent, withConsentWithdrawn } from "../../src/practice/consent.js";
import { ClientRegistry } from "../../src/practice/clients.js";
import { unlockKeyring } from "../../src/practice/keyring.js";
import { initHome, PASSPHRASE, runCli } from "../helpers/cli.js";

const TODAY = "2026-11-20";

function usageError(f: () => unknown, key: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).code).toBe(ExitCode.usage);
    expect((e as UserError).key).toBe(key);
    return;
  }
  throw new Error(`no ${key}`);
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const dayBetween = (from: string, to: string) =>
  fc.date({ min: new Date(`${from}T00:00:00Z`), max: new Date(`${to}T00:00:00Z`), noInvalidDate: true }).map(isoDay);

describe("consentDay", () => {
  it("refuses every day before the earliest consent day, with exit 2", () => {
    fc.assert(fc.property(dayBetween("0001-01-01", "1999-12-31"), (day) => usageError(() => consentDay(day, TODAY), "consent.tooEarly")));
  });

  it("takes every day from the earliest consent day to today", () => {
    fc.assert(fc.property(dayBetween(EARLIEST_CONSENT_DAY, TODAY), (day) => {
      expect(consentDay(day, TODAY)).toBe(day);
    }));
    expect(consentDay(undefined, TODAY)).toBe(TODAY);
  });
});

describe("withConsentWithdrawn", () => {
  const client: ClientRecord = withConsent({ alias: "k042", consents: [], created: "2026-01-01T00:00:00.000Z" } as unknown as ClientRecord, "folder", "2020-05-04", "1");

  it("refuses a withdrawal dated before the consent it withdraws", () => {
    fc.assert(fc.property(dayBetween(EARLIEST_CONSENT_DAY, "2020-05-03"), (day) => usageError(() => withConsentWithdrawn(client, "folder", day), "consent.withdrawnBeforeGiven")));
  });

  it("takes a withdrawal on the day of the consent or later", () => {
    expect(withConsentWithdrawn(client, "folder", "2020-05-04").consents[0]?.withdrawn).toBe("2020-05-04");
    expect(withConsentWithdrawn(client, "folder", TODAY).consents[0]?.withdrawn).toBe(TODAY);
  });
});

describe("doubtfulConsents", () => {
  const client = (consents: ClientRecord["consents"]) => ({ alias: "k042", consents }) as unknown as ClientRecord;

  it("finds a stored consent given or withdrawn before the floor, or withdrawn before it was given", () => {
    fc.assert(fc.property(dayBetween("0001-01-01", "1999-12-31"), dayBetween(EARLIEST_CONSENT_DAY, TODAY), (early, fine) => {
      const given = { channel: "folder", date: early, infoVersion: "1" };
      expect(doubtfulConsents(client([given]))).toEqual([given]);
      const withdrawnEarly = { channel: "email", date: fine, infoVersion: "1", withdrawn: early };
      expect(doubtfulConsents(client([withdrawnEarly]))).toEqual([withdrawnEarly]);
    }));
    fc.assert(fc.property(dayBetween(EARLIEST_CONSENT_DAY, TODAY), dayBetween(EARLIEST_CONSENT_DAY, TODAY), (a, b) => {
      const [date, withdrawn] = a <= b ? [a, b] : [b, a];
      expect(doubtfulConsents(client([{ channel: "folder", date, infoVersion: "1", withdrawn }]))).toEqual([]);
      const backwards = { channel: "folder", date: withdrawn, infoVersion: "1", withdrawn: date };
      expect(doubtfulConsents(client([backwards]))).toEqual(date < withdrawn ? [backwards] : []);
    }));
  });

  it("a later record for the same channel type settles one (it stays as history); one for another type does not", () => {
    const typo = { channel: "folder", date: "0202-03-01", infoVersion: "1" };
    expect(doubtfulConsents(client([typo, { channel: "email", date: "2020-03-01", infoVersion: "1" }]))).toEqual([typo]);
    expect(doubtfulConsents(client([typo, { channel: "folder", date: "2020-03-01", infoVersion: "1" }]))).toEqual([]);
  });
});

describe("through the CLI", () => {
  let home: string;
  let cleanup: () => Promise<void>;
  const now = { NACHKLANG_NOW: `${TODAY}T10:00:00Z`, TZ: "UTC" };
  const cli = (args: string[]) => runCli(args, { home, env: now });

  beforeAll(async () => {
    ({ home, cleanup } = await initHome());
    const r = await cli(["client", "add", "k042", "--channel", "folder"]);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(() => cleanup());

  function refused(r: { code: number; stdout: string; stderr: string }, line: string): void {
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`${line}\n`);
  }

  it("consent record refuses an information version that is no label (control characters, line breaks, overlong) in one line", async () => {
    const bad = (value: string) => `'${value}' is not usable as the information sheet's version: use letters, digits, dot, slash, dash and underscore, at most 40 characters (e.g. 2026-01).`;
    refused(await cli(["consent", "record", "k042", "--channel", "folder", "--info-version", "v1\u001b[31mX"]), bad("v1?[31mX"));
    refused(await cli(["consent", "record", "k042", "--channel", "folder", "--info-version", "-1"]), bad("-1"));
    refused(await cli(["consent", "record", "k042", "--channel", "folder", "--info-version", "x".repeat(41)]), bad("x".repeat(41)));
    expect(JSON.parse((await cli(["--json", "consent", "show", "k042"])).stdout)).toMatchObject({ consents: [] });
  });

  it("consent record and withdraw refuse a day before 2000-01-01 in one line, and record nothing", async () => {
    const early = (day: string) => `${day} lies before 2000-01-01; no consent to follow-ups by messenger or e-mail is that old. Check the date (YYYY-MM-DD).`;
    refused(await cli(["consent", "record", "k042", "--channel", "folder", "--date", "0202-03-01"]), early("0202-03-01"));
    refused(await cli(["consent", "record", "k042", "--channel", "folder", "--date", "1926-11-20"]), early("1926-11-20"));
    expect(JSON.parse((await cli(["--json", "consent", "show", "k042"])).stdout)).toMatchObject({ consents: [] });

    expect((await cli(["consent", "record", "k042", "--channel", "folder", "--date", "2003-02-01"])).code).toBe(0);
    refused(await cli(["consent", "withdraw", "k042", "--channel", "folder", "--date", "1999-12-31"]), early("1999-12-31"));
    refused(
      await cli(["consent", "withdraw", "k042", "--channel", "folder", "--date", "2003-01-31"]),
      "k042 gave consent for folder on 2003-02-01; a withdrawal on 2003-01-31 would come before it. Check the date.",
    );
    expect(JSON.parse((await cli(["--json", "consent", "show", "k042"])).stdout)).toMatchObject({ consents: [{ date: "2003-02-01" }] });
    expect((JSON.parse((await cli(["--json", "consent", "show", "k042"])).stdout) as { consents: { withdrawn?: string }[] }).consents[0]?.withdrawn).toBeUndefined();
    expect((await cli(["consent", "withdraw", "k042", "--channel", "folder", "--date", "2003-02-01"])).code).toBe(0);
  });

  it("doctor names, one line per client, a stored consent with an impossible day and what to do; recording it again settles it", async () => {
    for (const alias of ["k050", "k051", "k052"]) expect((await cli(["client", "add", alias, "--channel", "folder"])).code).toBe(0);
    // Records taken before the checks existed: written to the registry directly.
    const keyring = await unlockKeyring(join(home, "keyring.age"), PASSPHRASE);
    const registry = await ClientRegistry.load(join(home, "clients.age"), keyring.ageIdentity, keyring.ageRecipient);
    await registry.put({ ...registry.require("k050"), consents: [{ channel: "folder", date: "0202-03-01", infoVersion: "1" }] });
    await registry.put({
      ...registry.require("k051"),
      consents: [
        { channel: "email", date: "1926-11-20", infoVersion: "1", withdrawn: "2020-01-01" },
        { channel: "folder", date: "2020-05-04", infoVersion: "1", withdrawn: "2020-05-03" },
      ],
    });
    await registry.put({ ...registry.require("k052"), consents: [{ channel: "folder", date: "2020-05-04", infoVersion: "1" }] });
    const doctor = await cli(["doctor"]);
    // Exit 1 is doctor's code for any ✗ finding (the test keyring's low work factor is one too).
    expect(doctor.code).toBe(1);
    const lines = doctor.stdout.split("\n").filter((line) => line.includes("impossible day"));
    expect(lines).toEqual([
      "✗ k050: consent with an impossible day (folder given 0202-03-01, before 2000-01-01). Record it again with the right day: nachklang consent record k050 --channel TYPE --date YYYY-MM-DD (and, where withdrawn, consent withdraw k050 --channel TYPE --date YYYY-MM-DD); the old record stays as history.",
      "✗ k051: consent with an impossible day (email given 1926-11-20, before 2000-01-01; folder withdrawn 2020-05-03, given 2020-05-04). Record it again with the right day: nachklang consent record k051 --channel TYPE --date YYYY-MM-DD (and, where withdrawn, consent withdraw k051 --channel TYPE --date YYYY-MM-DD); the old record stays as history.",
    ]);
    expect((await cli(["consent", "record", "k050", "--channel", "folder", "--date", "2020-03-01"])).code).toBe(0);
    expect((await cli(["doctor"])).stdout).not.toContain("k050");
  });

  it("client import refuses a consent-date before 2000-01-01 and adds nobody", async () => {
    const csv = join(home, "..", "early.csv");
    await writeFile(csv, "alias,consent,consent-date\nk043,folder,1926-11-20\n");
    const r = await cli(["client", "import", csv]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/row 2: 1926-11-20 lies before 2000-01-01/);
    expect((await cli(["client", "list"])).stdout).not.toContain("k043");
  });
});

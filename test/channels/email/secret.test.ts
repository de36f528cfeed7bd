/**
 * The SMTP password never comes back out: a server that repeats what it was sent in its refusal
 * (the password as is, or base64 as AUTH LOGIN and AUTH PLAIN carry it) gets its answer into
 * `check` and `deliver` results with the password masked.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailChannel } from "../../../src/channels/email.js";
import type { Delivery } from "../../../src/channels/contract.js";
import { tempDir } from "../../helpers/cli.js";
import { SMTP_PASSWORD, SMTP_USER, startSmtp, type LocalSmtp } from "./smtp.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const FORMS = [SMTP_PASSWORD, b64(SMTP_PASSWORD), b64(`\0${SMTP_USER}\0${SMTP_PASSWORD}`)];

async function channel(port: number) {
  const configured = await emailChannel.configure({ host: "127.0.0.1", port: String(port), user: SMTP_USER, from: "Praxis <praxis@example.org>", passwordFile: "/unused" });
  const settings = emailChannel.settings.parse(configured.settings);
  return emailChannel.create({ name: "mail", settings, home: "/nonexistent", secret: (name) => (name === "password" ? SMTP_PASSWORD : undefined) });
}

describe("e-mail channel: a server that echoes the login", () => {
  let echoing: LocalSmtp;
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    echoing = await startSmtp({
      onAuth(auth, _session, callback) {
        const sent = auth.method === "PLAIN" ? b64(`\0${auth.username}\0${auth.password ?? ""}`) : b64(auth.password ?? "");
        callback(Object.assign(new Error(`bad credentials: ${auth.password ?? ""} / ${sent} / ${b64(auth.password ?? "")}`), { responseCode: 535 }));
      },
    });
  });
  afterAll(async () => {
    await echoing?.close();
    await cleanup?.();
  });

  it("masks the password in every form in the reason of check and deliver", async () => {
    const report = await (await channel(echoing.port)).check();
    expect(report).toMatchObject({ ok: false, lines: [{ key: "email.loginRefused" }] });
    const viewerPath = join(dir, "viewer.html");
    await writeFile(viewerPath, "<html></html>");
    const delivery = {
      bundleId: "b1",
      bundlePath: join(dir, "b1.age"),
      followUp: { manifest: { created: "2026-12-01T08:00:00Z", practice: {} } },
      recipient: { alias: "k042", lang: "en", address: "client@example.org", pinnedKeys: {}, pinKey: () => Promise.resolve() },
      progress: { done: new Map(), record: () => Promise.resolve() },
      viewerPath,
    } as unknown as Delivery;
    const result = await (await channel(echoing.port)).deliver(delivery);
    expect(result).toMatchObject({ status: "failed", reason: "email.loginRefused" });
    expect(result.status === "failed" ? String(result.params?.reason) : "").toContain("bad credentials: ********");
    for (const text of [JSON.stringify(report), JSON.stringify(result)]) {
      expect(text).toContain("535");
      for (const form of FORMS) expect(text).not.toContain(form);
      expect(text).not.toContain("secret");
    }
  });
});

describe("e-mail channel: a server's long answer", () => {
  let server: LocalSmtp;
  let calls = 0;
  beforeAll(async () => {
    // Emoji all along, one answer shifted by a unit: whatever the prefix the reason gets, one of
    // the two has a surrogate pair across the 200th unit.
    server = await startSmtp({
      onAuth(_auth, _session, callback) {
        calls++;
        callback(Object.assign(new Error(`${calls % 2 === 0 ? "x" : ""}${"😀".repeat(300)}`), { responseCode: 535 }));
      },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("is cut to 200 characters and '…' without splitting a character", async () => {
    for (let i = 0; i < 2; i++) {
      const report = await (await channel(server.port)).check();
      const reason = String(report.lines[0]?.params?.reason);
      expect(reason).toMatch(/😀…$/u);
      expect([...reason].length).toBeLessThanOrEqual(201);
      expect(reason).not.toMatch(/[\uD800-\uDFFF]/u);
    }
  });
});

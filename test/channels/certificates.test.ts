/**
 * `NODE_TLS_REJECT_UNAUTHORIZED=0` switches off Node's certificate checks for the whole process.
 * A channel that connects over TLS refuses to be made then (one line, exit 2), so its secret and
 * the follow-ups never go to a server nobody checked; a local plain connection is unaffected.
 */
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { emailChannel, type EmailSettings } from "../../src/channels/email.js";
import { signalChannel } from "../../src/channels/signal.js";
import { createThreemaChannel } from "../../src/channels/threema.js";
import { initHome, runCli, tempDir, writeText } from "../helpers/cli.js";
import { SMTP_PASSWORD, SMTP_USER, selfSignedCertificate, startSmtp, type LocalSmtp } from "./email/smtp.js";

const UNCHECKED = { NODE_TLS_REJECT_UNAUTHORIZED: "0" };
const GATEWAY_ID = "*NACHKLA";

function email(port: number, security: EmailSettings["security"]) {
  const settings = emailChannel.settings.parse({ host: "localhost", port, user: SMTP_USER, from: "Praxis <praxis@example.org>", security });
  return () => emailChannel.create({ name: "mail", settings, home: "/nonexistent", secret: () => SMTP_PASSWORD });
}

const threema = (apiUrl: string) => () =>
  createThreemaChannel({ name: "threema", settings: { gatewayId: GATEWAY_ID, apiUrl }, home: "/nonexistent", secret: (n) => (n === "secret" ? "gateway-secret" : undefined) });

const signal = (rpcUrl: string) => () => signalChannel.create({ name: "signal", settings: { account: "+4915112345678", rpcUrl }, home: "/nonexistent", secret: () => undefined });

describe("channels with certificate checks switched off", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let smtp: LocalSmtp;
  const logins: string[] = [];

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const { key, cert } = await selfSignedCertificate(dir);
    smtp = await startSmtp({
      key,
      cert,
      disabledCommands: [],
      onAuth(auth, _session, callback) {
        logins.push(auth.password ?? "");
        callback(null, { user: auth.username });
      },
    });
  });
  afterEach(() => {
    delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  });
  afterAll(async () => {
    await smtp?.close();
    await cleanup?.();
  });

  it("refuses to make a channel that would connect over TLS, and the untrusted server sees no login", () => {
    Object.assign(process.env, UNCHECKED);
    const refused = { key: "channel.certificatesUnchecked" };
    expect(email(smtp.port, "starttls")).toThrow(expect.objectContaining(refused));
    expect(email(smtp.port, "tls")).toThrow(expect.objectContaining(refused));
    expect(threema("https://127.0.0.1:9")).toThrow(expect.objectContaining(refused));
    expect(signal("https://127.0.0.1:9")).toThrow(expect.objectContaining(refused));
    // Nothing crosses a network here: plain connections to this machine stay as they are.
    expect(email(smtp.port, "none")).not.toThrow();
    expect(threema("http://127.0.0.1:9")).not.toThrow();
    expect(signal("http://127.0.0.1:9")).not.toThrow();
    expect(logins).toEqual([]);
  });

  it("with the checks on, the self-signed server is refused as before (the test server is really untrusted)", async () => {
    expect(await email(smtp.port, "starttls")().check()).toMatchObject({ ok: false, lines: [{ key: "email.tlsFailed" }] });
    expect(logins).toEqual([]);
  });

  it("through the CLI: `channels test` says so in one line and exits 2", async () => {
    const made = await initHome();
    try {
      const secretFile = await writeText(join(made.home, "..", "secret.txt"), "gateway-secret\n");
      const keyFile = await writeText(join(made.home, "..", "key.txt"), `private:${"11".repeat(32)}\n`);
      const add = await runCli(["channels", "add", "threema", "--gateway-id", GATEWAY_ID, "--secret-file", secretFile, "--private-key-file", keyFile, "--api-url", "https://127.0.0.1:9"], { home: made.home });
      expect(add.code, add.stderr).toBe(0);
      const line = "threema: NODE_TLS_REJECT_UNAUTHORIZED=0 is set and turns off the check of server certificates; nachklang sends nothing like this (credentials and follow-ups would go to whoever answers). Please unset it; to trust a test server of your own, use NODE_EXTRA_CA_CERTS=FILE.";
      const test = await runCli(["channels", "test", "threema"], { home: made.home, env: UNCHECKED });
      expect(test.code).toBe(2);
      expect(test.stderr.trim().split("\n")).toEqual([line]);
      // `threema pin` asks the Gateway itself, with the secret: refused the same way.
      expect((await runCli(["client", "add", "k042", "--threema", "ECHOECHO", "--lang", "de"], { home: made.home })).code).toBe(0);
      const pin = await runCli(["threema", "pin", "k042", "--fingerprint", "00".repeat(16)], { home: made.home, env: UNCHECKED });
      expect(pin.code).toBe(2);
      expect(pin.stderr.trim().split("\n")).toEqual([line]);
    } finally {
      await made.cleanup();
    }
  });
});

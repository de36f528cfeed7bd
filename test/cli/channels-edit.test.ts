/**
 * `nachklang channels edit` through the real CLI: an SMTP port change keeps the password in the
 * keyring, reports the follow-up waiting for that channel, and the channel then delivers it to a
 * real local SMTP server (which checks the password); a replaced password is read from a file;
 * the checks of `channels add` refuse a bad change and nothing is stored.
 */
import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, PASSPHRASE, initHome, runCli, writeText } from "../helpers/cli.js";
import { toHex } from "../../src/channels/threema/crypto.js";
import { SMTP_PASSWORD, SMTP_USER, startSmtp, type LocalSmtp } from "../channels/email/smtp.js";
import { GatewayEmulator } from "../channels/threema/emulator.js";

let home: string;
let cleanup: () => Promise<void>;
let smtp: LocalSmtp;

async function ok(args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await runCli(args, { home, env });
  expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  smtp = await startSmtp();
  ({ home, cleanup } = await initHome());
});
afterAll(async () => {
  await smtp?.close();
  await cleanup();
});

describe("channels edit", () => {
  it("changes the SMTP port, keeps the password, reports the waiting follow-up, and then delivers it", async () => {
    const passwordFile = await writeText(join(home, "..", "smtp-password.txt"), `${SMTP_PASSWORD}\n`);
    const viewerFile = await writeText(join(home, "..", "viewer.txt"), "tulpe-regen-fenster-17\n");
    // A port where nothing listens: the practitioner typed the wrong one.
    const wrongPort = String(smtp.port === 1 ? 2 : 1);
    await ok(["channels", "add", "email", "--host", "127.0.0.1", "--port", wrongPort, "--user", SMTP_USER, "--password-file", passwordFile, "--from", `Praxis Test <${SMTP_USER}>`]);
    await ok(["client", "add", "wren5", "--lang", "de", "--email", "klient@example.org", "--channel", "email"]);
    await ok(["client", "passphrase", "wren5", "--viewer-passphrase-file", viewerFile]);
    await ok(["consent", "record", "wren5", "--channel", "email"]);
    const queued = JSON.parse(await ok(["--json", "send", "wren5", "--note", "Bis bald", "--at", "2027-03-01 09:30", "--yes"])) as { id: string };
    expect(queued.id).toMatch(/^[0-9a-z]{26}$/);

    const edited = await runCli(["channels", "edit", "email", "--port", String(smtp.port)], { home });
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toContain("Channel 'email' (email) changed: port.");
    expect(edited.stdout).toContain("Kept unchanged in secrets.age: password.");
    expect(edited.stdout).toContain(`${queued.id}  goes out as queued through 'email'; nothing to do.`);
    expect(edited.stdout).not.toContain(SMTP_PASSWORD);

    const config = JSON.parse(await readFile(join(home, "config.json"), "utf8")) as { channels: Record<string, { settings: Record<string, unknown> }> };
    expect(config.channels.email?.settings).toEqual({ host: "127.0.0.1", port: smtp.port, user: SMTP_USER, from: `Praxis Test <${SMTP_USER}>`, security: "none" });

    // Due by the test clock: the flush delivers through the new port with the kept password.
    const flush = await runCli(["outbox", "flush"], { home, env: { NACHKLANG_NOW: "2027-03-01T10:00:00Z" } });
    expect(flush.code, flush.stderr + flush.stdout).toBe(0);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.attachments.some((a) => a.filename?.endsWith(".html"))).toBe(true);
  });

  it("replaces a secret only from a file, and the channel uses the new one", async () => {
    const wrong = await writeText(join(home, "..", "wrong-password.txt"), "not the password\n");
    const right = join(home, "..", "smtp-password.txt");
    const replaced = await runCli(["--json", "channels", "edit", "email", "--password-file", wrong], { home });
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(JSON.parse(replaced.stdout)).toMatchObject({ secretsReplaced: ["password"], secretsKept: [] });
    const refused = await runCli(["send", "wren5", "--note", "Eins", "--now", "--yes"], { home });
    expect(refused.code).not.toBe(0);
    expect(smtp.mails).toHaveLength(1);
    await ok(["channels", "edit", "email", "--password-file", right]);
    await ok(["send", "wren5", "--note", "Zwei", "--now", "--yes"]);
    expect(smtp.mails).toHaveLength(2);
    // Piped from a password manager: the same file option, never an argument.
    await ok(["channels", "edit", "email", "--password-file", wrong]);
    // Through a shell pipe, as a practitioner types it (Node's own stdin pipes are sockets, which /dev/stdin cannot open).
    const piped = spawnSync("sh", ["-c", `printf '%s\\n' "$SMTP_SECRET" | "${process.execPath}" "${BIN}" channels edit email --password-file /dev/stdin`], {
      env: { ...process.env, SMTP_SECRET: SMTP_PASSWORD, NACHKLANG_HOME: home, NACHKLANG_PASSPHRASE: PASSPHRASE, NACHKLANG_INSECURE_TEST_SCRYPT_LOG_N: "10", LANG: "en_US.UTF-8" },
      encoding: "utf8",
    });
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stdout).toContain("changed: password");
    await ok(["send", "wren5", "--note", "Drei", "--now", "--yes"]);
    expect(smtp.mails).toHaveLength(3);
  });

  it("refuses what channels add refuses, and stores nothing", async () => {
    const before = await readFile(join(home, "config.json"), "utf8");
    await ok(["channels", "add", "signal", "--account", "+4915112345678", "--rpc-url", "http://127.0.0.1:8080"]);
    const signalBefore = await readFile(join(home, "config.json"), "utf8");
    expect(signalBefore).not.toBe(before);

    const insecure = await runCli(["channels", "edit", "signal", "--rpc-url", "http://signal.example.org:8080"], { home });
    expect(insecure.code).toBe(2);
    expect(insecure.stderr.trim().split("\n")).toHaveLength(1);
    expect(insecure.stderr).toContain("signal.example.org");
    const plainMail = await runCli(["channels", "edit", "email", "--host", "smtp.example.org", "--port", "25"], { home });
    // A remote server on a port other than 465 gets STARTTLS, never plain text.
    expect(plainMail.code, plainMail.stderr).toBe(0);
    const mailConfig = JSON.parse(await readFile(join(home, "config.json"), "utf8")) as { channels: Record<string, { settings: Record<string, unknown> }> };
    expect(mailConfig.channels.email?.settings).toMatchObject({ host: "smtp.example.org", port: 25, security: "starttls" });
    // Numbers out of range are said in the option's words, not as the settings schema's English.
    const badPort = await runCli(["channels", "edit", "email", "--port", "99999"], { home });
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toBe("--port expects a port number from 1 to 65535 (465 TLS, 587 STARTTLS), not '99999'.\n");
    const notAPort = await runCli(["--lang", "de", "channels", "edit", "email", "--port", "x"], { home });
    expect(notAPort.code).toBe(2);
    expect(notAPort.stderr).toBe("--port erwartet eine Portnummer von 1 bis 65535 (465 TLS, 587 STARTTLS), nicht „x“.\n");
    // A blank server or a sender that is no address would only fail at the first mail.
    const blankHost = await runCli(["channels", "edit", "email", "--host", "  "], { home });
    expect(blankHost.code).toBe(2);
    expect(blankHost.stderr).toBe("--host expects the mail server's name or address (e.g. smtp.example.org), not '  '.\n");
    const notAHost = await runCli(["channels", "edit", "email", "--host", "smtp example org"], { home });
    expect(notAHost.code).toBe(2);
    const badFrom = await runCli(["--lang", "de", "channels", "edit", "email", "--from", "nope"], { home });
    expect(badFrom.code).toBe(2);
    expect(badFrom.stderr).toBe("--from erwartet eine Absenderadresse, z. B. praxis@example.org oder „Praxis Beispiel <praxis@example.org>“, nicht „nope“.\n");
    for (const from of ["Praxis <nope>", "a@b@c", "<>"]) expect((await runCli(["channels", "edit", "email", "--from", from], { home })).code, from).toBe(2);
    await ok(["channels", "edit", "email", "--from", " Praxis Beispiel <praxis@example.org> "]);
    const fromConfig = JSON.parse(await readFile(join(home, "config.json"), "utf8")) as { channels: Record<string, { settings: Record<string, unknown> }> };
    expect(fromConfig.channels.email?.settings).toMatchObject({ host: "smtp.example.org", from: "Praxis Beispiel <praxis@example.org>" });
    const badSize = await runCli(["channels", "edit", "email", "--max-attachment-mb", "-5"], { home });
    expect(badSize.code).toBe(2);
    expect(badSize.stderr).toBe("--max-attachment-mb expects a size in MB above 0 and at most 1000, not '-5'.\n");

    const folderAsSecret = await runCli(["channels", "edit", "email", "--password-file", home], { home });
    expect(folderAsSecret.code).toBe(2);
    expect(folderAsSecret.stderr.trim()).toBe(`${home} is a folder, not a file. Please name the file itself.`);

    const unknown = await runCli(["channels", "edit", "nosuch", "--path", "/tmp"], { home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("nosuch");
    const nothing = await runCli(["channels", "edit", "signal"], { home });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain("Nothing to change");
    const notForType = await runCli(["channels", "edit", "signal", "--path", "/tmp"], { home });
    expect(notForType.code).toBe(2);
    expect(notForType.stderr).toContain("--path does not apply to channel 'signal' (signal)");
    // A foreign option beside one of the type's own is refused too (it was dropped silently).
    const mixed = await runCli(["channels", "edit", "signal", "--account", "+4915112345679", "--host", "smtp.example.org", "--path", "/tmp"], { home });
    expect([mixed.code, mixed.stderr]).toEqual([2, "--host, --path do not apply to channel 'signal' (signal); nothing was changed.\n"]);
    // The values already stored: nothing to do, said as such (was "does not apply").
    const same = await runCli(["channels", "edit", "signal", "--account", "+4915112345678"], { home });
    expect([same.code, same.stdout]).toEqual([0, "Channel 'signal': the values given are already stored; nothing was changed.\n"]);
    const whatsapp = await runCli(["channels", "edit", "whatsapp", "--path", "/tmp"], { home });
    expect(whatsapp.code).toBe(2);

    const after = JSON.parse(await readFile(join(home, "config.json"), "utf8")) as { channels: Record<string, { settings: Record<string, unknown> }> };
    expect(after.channels.signal?.settings).toEqual({ account: "+4915112345678", rpcUrl: "http://127.0.0.1:8080" });
    expect(after.channels.email?.settings).toMatchObject({ port: 25 });
  });

  it("corrects a stored setting that today's checks refuse, as the refusal advises; an edit that leaves it wrong is refused", async () => {
    await ok(["channels", "add", "signal", "--name", "sig-old", "--account", "+491701234567", "--rpc-url", "http://127.0.0.1:7583"]);
    // An older version stored plain http to another machine; every command that builds it refuses.
    const file = join(home, "config.json");
    const config = JSON.parse(await readFile(file, "utf8")) as { channels: Record<string, { settings: Record<string, unknown> }> };
    config.channels["sig-old"]!.settings.rpcUrl = "http://10.0.0.5:7583";
    await writeFile(file, JSON.stringify(config));
    const line = "Channel 'sig-old': invalid setting (rpcUrl: must be https (plain http only to this machine: localhost, 127.0.0.1, ::1)). Please correct it with 'nachklang channels edit sig-old …'.\n";
    const flush = await runCli(["outbox", "flush"], { home });
    expect([flush.code, flush.stderr]).toEqual([2, line]);
    const other = await runCli(["channels", "edit", "sig-old", "--account", "+491709999999"], { home });
    expect([other.code, other.stderr]).toEqual([
      2,
      "'http://10.0.0.5:7583': signal-cli must be reached over https (http only on this machine: localhost, 127.0.0.1, ::1); otherwise follow-ups and credentials would cross the network unencrypted.\n",
    ]);
    expect(await ok(["channels", "edit", "sig-old", "--rpc-url", "http://127.0.0.1:7583"])).toContain("Channel 'sig-old' (signal) changed: rpcUrl.");
    expect((await runCli(["outbox", "flush"], { home })).code).toBe(0);
    await ok(["channels", "remove", "sig-old"]);
  });

  it("switches the folder channel's viewer on and off and tells which waiting follow-ups now lack a passphrase", async () => {
    const recipient = "age1wrprc6d5qns7asjhch9su5pkkqh0lf3m9jaty627psnhylhc8dzqn40hne";
    await ok(["client", "add", "k101", "--age-recipient", recipient]);
    await ok(["consent", "record", "k101", "--channel", "folder"]);
    const queued = JSON.parse(await ok(["--json", "send", "k101", "--note", "Hallo", "--at", "2027-03-01 09:30", "--yes"])) as { id: string };
    const on = await runCli(["--json", "channels", "edit", "folder", "--viewer"], { home });
    expect(on.code, on.stderr).toBe(0);
    const result = JSON.parse(on.stdout) as { settings: Record<string, string>; queued: { id: string; blocked: boolean; problem: string }[] };
    expect(result.settings.viewer).toBe("yes");
    expect(result.queued).toEqual([expect.objectContaining({ id: queued.id, blocked: true, problem: "recheck.noViewerPassphrase" })]);
    const off = await runCli(["--json", "channels", "edit", "folder", "--no-viewer"], { home });
    expect(off.code, off.stderr).toBe(0);
    const offResult = JSON.parse(off.stdout) as { settings: Record<string, string>; queued: { id: string; blocked: boolean }[] };
    expect(offResult.settings.viewer).toBeUndefined();
    expect(offResult.queued).toEqual([expect.objectContaining({ id: queued.id, blocked: false })]);
  });
});

describe("channels edit threema", () => {
  let emulator: GatewayEmulator;
  beforeAll(async () => {
    emulator = await new GatewayEmulator().start();
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it("moves the Gateway URL and keeps both secrets; refuses plain http to a remote host and a bad key file", async () => {
    const secretFile = await writeText(join(home, "..", "threema-secret.txt"), `${emulator.secret}\n`);
    const keyFile = await writeText(join(home, "..", "threema-key.txt"), `private:${toHex(emulator.gateway.privateKey)}\n`);
    // Nothing listens there: as if the Gateway address had been mistyped.
    await ok(["channels", "add", "threema", "--gateway-id", emulator.gatewayId, "--secret-file", secretFile, "--private-key-file", keyFile, "--api-url", "http://127.0.0.1:1/"]);
    expect((await runCli(["channels", "test", "threema"], { home })).code).not.toBe(0);

    const insecure = await runCli(["channels", "edit", "threema", "--api-url", "http://gateway.example.org/"], { home });
    expect(insecure.code).toBe(2);
    expect(insecure.stderr).toContain("gateway.example.org");
    const badKey = await writeText(join(home, "..", "bad-key.txt"), "private:zz\n");
    const refused = await runCli(["channels", "edit", "threema", "--private-key-file", badKey, "--api-url", emulator.url], { home });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("not a Threema private key");

    const moved = await runCli(["channels", "edit", "threema", "--api-url", emulator.url], { home });
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toContain("Channel 'threema' (threema) changed: apiUrl.");
    expect(moved.stdout).toContain("Kept unchanged in secrets.age: secret, privateKey.");
    const test = await runCli(["channels", "test", "threema"], { home });
    expect(test.code, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toContain(`Threema Gateway ${emulator.gatewayId}: credentials valid`);
    const config = await readFile(join(home, "config.json"), "utf8");
    expect(config).not.toContain(emulator.secret);
    expect(config).not.toContain(toHex(emulator.gateway.privateKey));
  });
});

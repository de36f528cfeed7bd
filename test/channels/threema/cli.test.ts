/**
 * The Threema channel through the real CLI (bin/nachklang.js) against the Gateway emulator:
 * channels add/test, key pinning, and `threema receipts` on saved callback payloads.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { callbackMac } from "../../../src/channels/threema/callback.js";
import { fingerprint, toHex } from "../../../src/channels/threema/crypto.js";
import { encodeDeliveryReceipt, encryptMessage, MessageType } from "../../../src/channels/threema/message.js";
import { initHome, runCli, writeText } from "../../helpers/cli.js";
import { GatewayEmulator, makeIdentity, type Identity } from "./emulator.js";

const CLIENT = "ECHOECHO";
let home: string;
let cleanup: () => Promise<void>;
let emulator: GatewayEmulator;
let client: Identity;

beforeAll(async () => {
  ({ home, cleanup } = await initHome());
  emulator = await new GatewayEmulator().start();
  client = emulator.addIdentity(makeIdentity(CLIENT));
});
afterAll(async () => {
  await emulator.stop();
  await cleanup();
});

/** A callback body as the Gateway would POST it for a receipt the client's app sends. */
function receiptCallback(status: "received" | "read", messageIds: string[], secret = emulator.secret): string {
  const message = encryptMessage(MessageType.deliveryReceipt, encodeDeliveryReceipt({ status, messageIds }), emulator.gateway.publicKey, client.privateKey);
  const fields = { from: CLIENT, to: emulator.gatewayId, messageId: "0123456789abcdef", date: "1763800000", nonce: toHex(message.nonce), box: toHex(message.box) };
  return new URLSearchParams({ ...fields, nickname: "K", mac: callbackMac(fields, secret) }).toString();
}

describe("threema through the CLI", () => {
  it("refuses a malformed private key file with one line and exit 2", async () => {
    const secretFile = await writeText(join(home, "..", "secret.txt"), `${emulator.secret}\n`);
    const badKey = await writeText(join(home, "..", "bad-key.txt"), "private:zz\n");
    const result = await runCli(["channels", "add", "threema", "--gateway-id", emulator.gatewayId, "--secret-file", secretFile, "--private-key-file", badKey, "--api-url", emulator.url], { home });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual([`${badKey}: not a Threema private key. Expected 64 hex digits, optionally prefixed 'private:'.`]);
  });

  it("adds the channel, keeps the secrets out of the config, and reports credits", async () => {
    const secretFile = await writeText(join(home, "..", "secret.txt"), `${emulator.secret}\n`);
    const keyFile = await writeText(join(home, "..", "key.txt"), `private:${toHex(emulator.gateway.privateKey)}\n`);
    const add = await runCli(["channels", "add", "threema", "--gateway-id", emulator.gatewayId, "--secret-file", secretFile, "--private-key-file", keyFile, "--api-url", emulator.url], { home });
    expect(add.stderr).toBe("");
    expect(add.code).toBe(0);
    const config = await readFile(join(home, "config.json"), "utf8");
    expect(config).toContain(emulator.gatewayId);
    expect(config).not.toContain(emulator.secret);
    expect(config).not.toContain(toHex(emulator.gateway.privateKey));

    const test = await runCli(["channels", "test", "threema"], { home });
    expect(test.code).toBe(0);
    expect(test.stdout).toContain(`Threema Gateway ${emulator.gatewayId}: credentials valid, 100 credits left.`);
    expect(test.stdout + test.stderr).not.toContain(emulator.secret);

    const list = await runCli(["channels", "list"], { home });
    expect(list.stdout).toContain("secret=********");
    expect(list.stdout + list.stderr).not.toContain(emulator.secret);
  });

  it("reads --private-key-file once: a key piped in (/dev/stdin) is checked and stored, for add and edit", async () => {
    const secretFile = await writeText(join(home, "..", "secret.txt"), `${emulator.secret}\n`);
    const key = `private:${toHex(emulator.gateway.privateKey)}\n`;
    const add = ["channels", "add", "threema", "--name", "piped", "--gateway-id", emulator.gatewayId, "--secret-file", secretFile, "--private-key-file", "/dev/stdin", "--api-url", emulator.url];
    // Before the fix the key was read twice, and a pipe gives its bytes only once:
    // "/dev/stdin: the passphrase file is empty.", exit 2.
    const added = await runCli(add, { home, input: key, pipe: true });
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    const edited = await runCli(["channels", "edit", "piped", "--private-key-file", "/dev/stdin"], { home, input: key, pipe: true });
    expect(edited.stderr).toBe("");
    expect(edited.code).toBe(0);
    // What was stored is the key: building the channel parses it again (a wrong text is one line, exit 2).
    const test = await runCli(["channels", "test", "piped"], { home });
    expect(test.stderr).toBe("");
    expect(test.code).toBe(0);
    // A pipe with something else in it is still checked.
    const bad = await runCli(["channels", "edit", "piped", "--private-key-file", "/dev/stdin"], { home, input: "private:zz\n", pipe: true });
    expect(bad.stderr).toBe("/dev/stdin: not a Threema private key. Expected 64 hex digits, optionally prefixed 'private:'.\n");
    expect(bad.code).toBe(2);
    expect((await runCli(["channels", "remove", "piped"], { home })).code).toBe(0);
  });

  it("pins a key given in person by its fingerprint, and refuses a wrong fingerprint", async () => {
    expect((await runCli(["client", "add", "k042", "--threema", CLIENT, "--lang", "de"], { home })).code).toBe(0);
    const wrong = await runCli(["threema", "pin", "k042", "--fingerprint", "00".repeat(16)], { home });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain("the fingerprint does not match");
    // The Gateway's own fingerprint is not given away (pasted back, it would skip the comparison).
    expect(wrong.stderr).not.toContain(fingerprint(client.publicKey));
    const malformed = await runCli(["threema", "pin", "k042", "--fingerprint", "zz"], { home });
    expect([malformed.code, malformed.stderr]).toEqual([2, "Threema: 'zz' is not a fingerprint (32 hex digits, as the Threema app shows it); nothing was pinned.\n"]);
    const ok = await runCli(["threema", "pin", "k042", "--fingerprint", fingerprint(client.publicKey)], { home });
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toContain(`Threema key pinned for k042, fingerprint ${fingerprint(client.publicKey)}.`);
    const usage = await runCli(["threema", "pin", "k042"], { home });
    expect(usage.code).toBe(2);
    const lowOrder = await runCli(["threema", "pin", "k042", "--key", "00".repeat(32)], { home });
    expect(lowOrder.code).toBe(2);
  });

  it("reads callback payloads, checks their MAC, decrypts and decodes the receipts", async () => {
    const lines = [
      receiptCallback("received", ["1111111111111111", "2222222222222222"]),
      receiptCallback("read", ["1111111111111111"]),
      receiptCallback("read", ["3333333333333333"], "a-wrong-secret"),
      "from=ECHOECHO&to=x",
      "",
    ];
    const file = await writeText(join(home, "..", "callbacks.txt"), lines.join("\n"));
    const result = await runCli(["--json", "threema", "receipts", file], { home });
    expect(result.code).toBe(3);
    const json = JSON.parse(result.stdout) as { receipts: unknown[] };
    expect(json.receipts).toEqual([
      { line: 1, alias: "k042", status: "delivered", messageIds: ["1111111111111111", "2222222222222222"] },
      { line: 2, alias: "k042", status: "read", messageIds: ["1111111111111111"] },
      { line: 3, skipped: "mac" },
      { line: 4, skipped: "malformed" },
    ]);
    expect(result.stderr).toContain("Line 3: wrong MAC");

    // The same from stdin, in German.
    const stdin = await runCli(["--lang", "de", "threema", "receipts", "-"], { home, input: lines[0] });
    expect(stdin.code).toBe(0);
    expect(stdin.stdout).toContain("Empfangsbestätigung von k042: delivered für 2 Nachrichten.");
  });
});

/** The Gateway HTTP client against the emulator: lookups, blobs, authentication, back-off. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailHash, phoneHash } from "../../../src/channels/threema/lookup.js";
import { Gateway, GatewayError } from "../../../src/channels/threema/gateway.js";
import { toHex } from "../../../src/channels/threema/crypto.js";
import { GatewayEmulator, makeIdentity } from "./emulator.js";

let emulator: GatewayEmulator;
const delays: number[] = [];
const gateway = (secret?: string) =>
  new Gateway({
    apiUrl: emulator.url,
    gatewayId: emulator.gatewayId,
    secret: secret ?? emulator.secret,
    retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 150 },
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
  });

beforeAll(async () => {
  emulator = await new GatewayEmulator().start();
  emulator.addIdentity(makeIdentity("ECHOECHO", { phone: "+41791234567", email: "test@threema.ch" }));
});
afterAll(() => emulator.stop());

describe("Threema Gateway client", () => {
  it("looks up IDs by phone and e-mail hash, keys, capabilities and credits", async () => {
    const g = gateway();
    expect(await g.lookupPhoneHash(phoneHash("41 79 123 45 67"))).toBe("ECHOECHO");
    expect(await g.lookupEmailHash(emailHash(" Test@Threema.ch"))).toBe("ECHOECHO");
    await expect(g.lookupEmailHash(emailHash("nobody@example.com"))).rejects.toMatchObject({ problem: "notFound", status: 404 });
    expect(await g.publicKey("ECHOECHO")).toBe(toHex(emulator.identities.get("ECHOECHO")?.publicKey ?? new Uint8Array()));
    expect(await g.capabilities("ECHOECHO")).toContain("file");
    expect(await g.credits()).toBe(100);
  });

  it("uploads and downloads blobs unchanged", async () => {
    const g = gateway();
    const data = new Uint8Array(70_000).map((_, i) => (i * 7) & 0xff);
    const id = await g.uploadBlob(data);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(await g.downloadBlob(id)).toEqual(data);
  });

  it("answers a wrong secret with an auth error that does not contain the secret", async () => {
    const error = await gateway("wrong-secret-value").credits().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ problem: "auth", status: 401, endpoint: "credits" });
    expect(String(error)).not.toContain("wrong-secret-value");
  });

  it("gives up after the bounded number of attempts, with growing delays", async () => {
    delays.length = 0;
    emulator.fail({ endpoint: "credits", answer: "drop", remaining: 5 });
    await expect(gateway().credits()).rejects.toMatchObject({ problem: "network", maybeDelivered: false });
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(100);
    expect(delays[1]).toBeGreaterThanOrEqual(150);
    expect(delays.every((d) => d <= 150 * 1.25)).toBe(true);
    emulator.clearFailures();
  });

  it("refuses a box over 4000 bytes without asking the Gateway", async () => {
    const sends = emulator.requests.length;
    await expect(gateway().sendE2e("ECHOECHO", new Uint8Array(24), new Uint8Array(4001))).rejects.toMatchObject({ problem: "tooLarge" });
    expect(emulator.requests.length).toBe(sends);
  });

  it("retries send_e2e only when the request never reached the Gateway", async () => {
    const closed = await new GatewayEmulator().start();
    const url = closed.url;
    await closed.stop();
    let waits = 0;
    const sleep = () => {
      waits++;
      return Promise.resolve();
    };
    const refused = new Gateway({ apiUrl: url, gatewayId: "*NACHKLG", secret: "x", retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 }, sleep });
    await expect(refused.sendE2e("ECHOECHO", new Uint8Array(24), new Uint8Array(40))).rejects.toMatchObject({ problem: "network", maybeDelivered: false });
    expect(waits).toBe(2);
  });
});

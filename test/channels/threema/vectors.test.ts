/**
 * Published test vectors of the official and community Threema Gateway SDKs, each cited where
 * it comes from, plus property tests of the primitives built on noble.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { callbackMac, CallbackError, parseCallback } from "../../../src/channels/threema/callback.js";
import {
  BadKeyError,
  box,
  fingerprint,
  fromHex,
  LOW_ORDER_POINTS,
  openBox,
  openSecretbox,
  parsePrivateKey,
  parsePublicKey,
  publicKeyOf,
  secretbox,
  FILE_NONCE,
  THUMBNAIL_NONCE,
  toHex,
} from "../../../src/channels/threema/crypto.js";
import { emailHash, phoneHash } from "../../../src/channels/threema/lookup.js";
import {
  decodeDeliveryReceipt,
  decryptMessage,
  encodeDeliveryReceipt,
  encryptMessage,
  MessageType,
  pad,
  splitText,
  unpad,
} from "../../../src/channels/threema/message.js";

// threema-ch/threema-msgapi-sdk-java, source/src/test/java/ch/threema/apitool/Common.java
const JAVA = {
  myPrivateKey: "private:94af3260fa2a19adc8e82e82be598be15bc6ad6f47c8ee303cb185ef860e16d2",
  myPublicKey: "public:3851ad59c96146a05b32e41c0ccd0fd639dc8cd66bf6e1cbd3c8d67e4e8f5531",
  otherPrivateKey: "private:8318e05220acd38e97ba41a9a6318688214219916075ca060f9339a6d1f7fc29",
  otherPublicKey: "public:10ac7fd937eafb806f9a05bf9afa340a99387b0063cc9cb0d1ea5505d39cc076",
};

describe("Threema SDK vectors", () => {
  it("decrypts the Java SDK's testDecrypt vector (CryptToolTest.java)", () => {
    // threema-ch/threema-msgapi-sdk-java, source/src/test/java/ch/threema/apitool/CryptToolTest.java, testDecrypt
    const nonce = fromHex("0a1ec5b67b4d61a1ef91f55e8ce0471fee96ea5d8596dfd0");
    const ciphertext = fromHex(
      "45181c7aed95a1c100b1b559116c61b43ce15d04014a805288b7d14bf3a993393264fe554794ce7d6007233e8ef5a0f1ccdd704f34e7c7b77c72c239182caf1d061d6fff6ffbbfe8d3b8f3475c2fe352e563aa60290c666b2e627761e32155e62f048b52ef2f39c13ac229f393c67811749467396ecd09f42d32a4eb419117d0451056ac18fac957c52b0cca67568e2d97e5a3fd829a77f914a1ad403c5909fd510a313033422ea5db71eaf43d483238612a54cb1ecfe55259b1de5579e67c6505df7d674d34a737edf721ea69d15b567bc2195ec67e172f3cb8d6842ca88c29138cc33e9351dbc1e4973a82e1cf428c1c763bb8f3eb57770f914a",
    );
    const message = decryptMessage({ nonce, box: ciphertext }, parsePublicKey(JAVA.myPublicKey), parsePrivateKey(JAVA.otherPrivateKey));
    expect(message.type).toBe(MessageType.text);
    expect(new TextDecoder().decode(message.data)).toBe("Dies ist eine Testnachricht. äöü");
    // One flipped bit anywhere must make the box fail.
    const tampered = Uint8Array.from(ciphertext);
    tampered[40] = (tampered[40] ?? 0) ^ 1;
    expect(() => decryptMessage({ nonce, box: tampered }, parsePublicKey(JAVA.myPublicKey), parsePrivateKey(JAVA.otherPrivateKey))).toThrow();
  });

  it("derives the public key of the Java SDK's key pair (testDerivePublicKey)", () => {
    expect(toHex(publicKeyOf(parsePrivateKey(JAVA.myPrivateKey)))).toBe(JAVA.myPublicKey.slice("public:".length));
    expect(toHex(publicKeyOf(parsePrivateKey(JAVA.otherPrivateKey)))).toBe(JAVA.otherPublicKey.slice("public:".length));
  });

  it("checks the callback MAC of dbrgn/threema-gateway-rs src/receive.rs", () => {
    // dbrgn/threema-gateway-rs, src/receive.rs, mod incoming_message_deserialize (TEST_PAYLOAD, TEST_MAC_SECRET)
    const payload =
      "from=ECHOECHO&to=*TESTTST&messageId=0102030405060708&date=1616950936&nonce=ffffffffffffffffffffffffffffffffffffffffffffffff&box=012345abcdef&mac=622b362e8353658ee649a5548acecc9ce9b88384d6b7e08e212446d68455b14e";
    const message = parseCallback(payload, "nevergonnagiveyouup");
    expect(message.from).toBe("ECHOECHO");
    expect(message.to).toBe("*TESTTST");
    expect(message.messageId).toBe("0102030405060708");
    expect(message.date).toBe(1616950936);
    expect(toHex(message.nonce)).toBe("ff".repeat(24));
    expect(toHex(message.box)).toBe("012345abcdef");
    expect(message.nickname).toBeUndefined();
    expect(() => parseCallback(payload, "nevergonnaletyoudown")).toThrow(CallbackError);
  });

  it("checks the callback MAC of marchof/three4j GatewayCallbackTest.java", () => {
    // marchof/three4j, src/test/java/com/mountainminds/three4j/GatewayCallbackTest.java, init_should_decode_body
    const body =
      "from=SENDERXY&to=RECEIVER&messageId=0011223344556677&date=1650000000&nonce=001122334455667700112233445566770011223344556677&box=0123456789abcdef&nickname=three4j&mac=c1d77e5a605511635c9150fb7c1f6ad9eaedf02352e981b6a1d687c742e84c15";
    const message = parseCallback(body, "secret");
    expect(message.nickname).toBe("three4j");
    expect(toHex(message.box)).toBe("0123456789abcdef");
    expect(
      callbackMac(
        { from: "SENDERXY", to: "RECEIVER", messageId: "0011223344556677", date: "1650000000", nonce: "001122334455667700112233445566770011223344556677", box: "0123456789abcdef" },
        "secret",
      ),
    ).toBe("c1d77e5a605511635c9150fb7c1f6ad9eaedf02352e981b6a1d687c742e84c15");
    // Missing messageId, missing mac, wrong mac (the three failure cases of the same test class).
    expect(() => parseCallback("from=x&to=x&date=x&nonce=x&box=x&mac=x", "x")).toThrow(/messageId/);
    expect(() => parseCallback("from=x&to=x&messageId=x&date=x&nonce=x&box=x", "x")).toThrow(/mac/);
    expect(() => parseCallback("from=x&to=x&messageId=x&date=x&nonce=x&box=x&mac=x", "x")).toThrow(/MAC/);
  });

  it("accepts every callback whose MAC we compute, and rejects any change to a MAC-covered field (property)", () => {
    const hex = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => toHex(b));
    const id = fc.stringMatching(/^[0-9A-Z*][0-9A-Z]{7}$/);
    fc.assert(
      fc.property(id, id, hex(8), fc.integer({ min: 0, max: 2 ** 40 }), hex(24), fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.string({ minLength: 1 }), (from, to, messageId, date, nonce, boxBytes, secret) => {
        const fields = { from, to, messageId, date: String(date), nonce, box: toHex(boxBytes) };
        const body = new URLSearchParams({ ...fields, mac: callbackMac(fields, secret) }).toString();
        expect(parseCallback(body, secret).messageId).toBe(messageId);
        const changed = new URLSearchParams({ ...fields, date: String(date + 1), mac: callbackMac(fields, secret) }).toString();
        expect(() => parseCallback(changed, secret)).toThrow(CallbackError);
      }),
      { numRuns: 60 },
    );
  });

  it("computes the phone and e-mail lookup hashes of the Python SDK and three4j", () => {
    // threema-ch/threema-msgapi-sdk-python, tests/test_cli.py, test_hash_valid_email / test_hash_valid_phone_number
    expect(emailHash("test@threema.ch")).toBe("1ea093239cc5f0e1b6ec81b866265b921f26dc4033025410063309f4d1a8ee2c");
    expect(phoneHash("41791234567")).toBe("ad398f4d7ebe63c6550a486cc6e07f9baa09bd9d8b3d8cb9d9be106d35a7fdbc");
    // marchof/three4j, src/test/java/com/mountainminds/three4j/HashTest.java: normalisation of the input
    expect(phoneHash("+41 79 123 45-67")).toBe("ad398f4d7ebe63c6550a486cc6e07f9baa09bd9d8b3d8cb9d9be106d35a7fdbc");
    expect(emailHash("  Test@Threema.ch ")).toBe("1ea093239cc5f0e1b6ec81b866265b921f26dc4033025410063309f4d1a8ee2c");
    // threema-ch/threema-msgapi-sdk-python, tests/conftest.py (mock server: lookup_phone_hash / lookup_email_hash)
    expect(phoneHash("44123456789")).toBe("98b05f6eda7a878f6f016bdcdc9db6eb61a6b190e814ff787142115af144214c");
    expect(emailHash("echoecho@example.com")).toBe("45a13d422b40f81936a9987245d3f6d9064c90607273af4f578246b4484669e2");
  });
});

describe("keys", () => {
  it("rejects every low-order point, also with the top bit set", () => {
    const ours = parsePrivateKey(JAVA.myPrivateKey);
    for (const point of LOW_ORDER_POINTS) {
      expect(() => parsePublicKey(point), point).toThrow(BadKeyError);
      expect(() => box(new Uint8Array(40), new Uint8Array(24), fromHex(point), ours), point).toThrow(BadKeyError);
      const high = fromHex(point);
      high[31] = (high[31] ?? 0) | 0x80;
      expect(() => parsePublicKey(toHex(high)), `${point} with top bit`).toThrow(BadKeyError);
    }
  });

  it("accepts the private key file formats and refuses anything else", () => {
    const hex = JAVA.myPrivateKey.slice("private:".length);
    expect(toHex(parsePrivateKey(`${hex}\n`))).toBe(hex);
    expect(toHex(parsePrivateKey(`private:${hex.toUpperCase()}`))).toBe(hex);
    for (const bad of ["", hex.slice(2), `${hex}00`, `public:${hex}`, hex.replace(/^../, "zz")]) expect(() => parsePrivateKey(bad), bad).toThrow(BadKeyError);
  });

  it("computes the fingerprint as the first 16 bytes of SHA-256 of the public key", () => {
    const fp = fingerprint(parsePublicKey(JAVA.myPublicKey));
    expect(fp).toMatch(/^[0-9a-f]{32}$/);
    expect(fp).not.toBe(fingerprint(parsePublicKey(JAVA.otherPublicKey)));
  });

  it("box and open round-trip between two key pairs, and fail with the wrong key (property)", () => {
    const a = parsePrivateKey(JAVA.myPrivateKey);
    const b = parsePrivateKey(JAVA.otherPrivateKey);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.uint8Array({ minLength: 24, maxLength: 24 }), (plain, nonce) => {
        const sealed = box(plain, nonce, publicKeyOf(b), a);
        expect(sealed.length).toBe(plain.length + 16);
        expect(openBox(sealed, nonce, publicKeyOf(a), b)).toEqual(plain);
        expect(() => openBox(sealed, nonce, publicKeyOf(b), b)).toThrow();
      }),
      { numRuns: 60 },
    );
  });

  it("blobs use the fixed nonces 00…01 and 00…02", () => {
    expect(toHex(FILE_NONCE)).toBe("00".repeat(23) + "01");
    expect(toHex(THUMBNAIL_NONCE)).toBe("00".repeat(23) + "02");
    const key = new Uint8Array(32).fill(7);
    const sealed = secretbox(new Uint8Array([1, 2, 3]), FILE_NONCE, key);
    expect(openSecretbox(sealed, FILE_NONCE, key)).toEqual(new Uint8Array([1, 2, 3]));
    expect(() => openSecretbox(sealed, THUMBNAIL_NONCE, key)).toThrow();
  });
});

describe("message encoding", () => {
  it("pads with 1–255 bytes of the padding length, data and padding at least 32 bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 255 }), (data, n) => {
        const padded = pad(0x01, data, () => n);
        const padding = padded[padded.length - 1] ?? 0;
        expect(padding).toBeGreaterThanOrEqual(1);
        expect(padding).toBeLessThanOrEqual(255);
        expect(padded.length - 1).toBeGreaterThanOrEqual(32);
        expect(padded.subarray(padded.length - padding).every((x) => x === padding)).toBe(true);
        const back = unpad(padded);
        expect(back.type).toBe(0x01);
        expect(back.data).toEqual(data);
      }),
    );
  });

  it("refuses bad padding", () => {
    expect(() => unpad(new Uint8Array([1, 2, 3, 3]))).toThrow();
    expect(() => unpad(new Uint8Array([1, 0]))).toThrow();
    expect(() => unpad(new Uint8Array([1, 9]))).toThrow();
  });

  it("encrypts so that the recipient (and only the recipient) can decrypt", () => {
    const sender = parsePrivateKey(JAVA.myPrivateKey);
    const recipient = parsePrivateKey(JAVA.otherPrivateKey);
    const message = encryptMessage(MessageType.text, new TextEncoder().encode("ok"), publicKeyOf(recipient), sender);
    expect(message.nonce.length).toBe(24);
    const opened = decryptMessage(message, publicKeyOf(sender), recipient);
    expect(new TextDecoder().decode(opened.data)).toBe("ok");
  });

  it("splits long texts into numbered parts of at most 3500 bytes at paragraph boundaries", () => {
    const paragraph = (i: number) => `Absatz ${i}: ` + "Übung macht den Meister. ".repeat(40);
    const text = Array.from({ length: 12 }, (_, i) => paragraph(i + 1)).join("\n\n");
    const parts = splitText(text);
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((part, i) => {
      expect(Buffer.byteLength(part)).toBeLessThanOrEqual(3500);
      expect(part.startsWith(`(${i + 1}/${parts.length}) `)).toBe(true);
    });
    // Every part ends at a paragraph end: no paragraph is cut.
    const paragraphs = parts.flatMap((p) => p.replace(/^\(\d+\/\d+\) /, "").split("\n\n"));
    expect(paragraphs).toEqual(Array.from({ length: 12 }, (_, i) => paragraph(i + 1).trim()));
    expect(splitText("kurz")).toEqual(["kurz"]);
    expect(splitText("  \n ")).toEqual([]);
  });

  it("keeps every word and stays within the limit for any text (property)", () => {
    const word = fc.stringMatching(/^[a-zäöüß€😀]{1,30}$/u);
    const textArb = fc.array(fc.tuple(word, fc.constantFrom(" ", "\n", "\n\n")), { maxLength: 600 }).map((ws) => ws.map(([w, s]) => w + s).join(""));
    fc.assert(
      fc.property(textArb, fc.integer({ min: 60, max: 3500 }), (text, limit) => {
        const parts = splitText(text, limit);
        for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(limit);
        const words = (s: string) => s.split(/\s+/).filter((w) => w.length > 0);
        const stripped = parts.length > 1 ? parts.map((p) => p.replace(/^\(\d+\/\d+\) /, "")) : parts;
        expect(stripped.flatMap(words)).toEqual(words(text));
      }),
      { numRuns: 80 },
    );
  });

  it("cuts a single overlong word between characters, never inside one", () => {
    const parts = splitText("😀".repeat(2000));
    for (const p of parts) {
      expect(Buffer.byteLength(p)).toBeLessThanOrEqual(3500);
      expect(p).not.toContain("\uFFFD");
    }
    expect(parts.map((p) => p.replace(/^\(\d+\/\d+\) /, "")).join("")).toBe("😀".repeat(2000));
  });

  it("decodes delivery receipts (type 0x80: status, then 8-byte message ids)", () => {
    const data = encodeDeliveryReceipt({ status: "read", messageIds: ["0011223344556677", "8899aabbccddeeff"] });
    expect(toHex(data)).toBe("02" + "0011223344556677" + "8899aabbccddeeff");
    expect(decodeDeliveryReceipt(data)).toEqual({ status: "read", messageIds: ["0011223344556677", "8899aabbccddeeff"] });
    expect(decodeDeliveryReceipt(fromHex("01" + "01".repeat(8))).status).toBe("received");
    expect(() => decodeDeliveryReceipt(fromHex("02" + "01".repeat(7)))).toThrow();
    expect(() => decodeDeliveryReceipt(fromHex("09" + "01".repeat(8)))).toThrow();
  });
});

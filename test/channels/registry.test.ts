/** The one place that says which channel names configuration and sending accept. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHANNEL_TYPES, requireChannelName, requireNewChannelName } from "../../src/channels/registry.js";
import { isWhatsApp } from "../../src/channels/whatsapp.js";

const code = (f: () => void): number | undefined => {
  try {
    f();
    return undefined;
  } catch (error) {
    return (error as { code?: number }).code;
  }
};

/** Fullwidth forms of ASCII letters (`ｗ`), which a name may be typed or pasted in. */
const fullwidth = (text: string) => text.replace(/[A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/**
 * "whatsapp" in any capitalisation, with spaces or punctuation inside or around, before or after
 * other words, in fullwidth letters, or its short form.
 */
const whatsappSpelling = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("", " ", "my-", "Praxis ", "1"),
      fc.constantFrom("whats", "WHATS", "Whats", "wHaTs"),
      fc.constantFrom("", " ", "  ", "-", "_", ".", "'"),
      fc.constantFrom("app", "App", "APP"),
      fc.constantFrom("", " ", " Business", "-business", "2"),
      fc.boolean(),
    )
    .map(([before, a, gap, b, after, wide]) => {
      const name = `${before}${a}${gap}${b}${after}`;
      return wide ? fullwidth(name) : name;
    }),
  fc.constantFrom("wa", "WA", "Wa", " wa ", "w.a.", "W-A", fullwidth("WA")),
);

describe("requireChannelName", () => {
  it("refuses WhatsApp in any spelling by policy (exit 4), configured or not", () => {
    fc.assert(
      fc.property(whatsappSpelling, fc.array(fc.string()), (name, configured) => {
        expect(isWhatsApp(name)).toBe(true);
        expect(code(() => requireChannelName(name, [...configured, name]))).toBe(4);
        expect(code(() => requireNewChannelName(name, "folder"))).toBe(4);
      }),
    );
  });

  it("is not fooled into refusing names that only look alike", () => {
    for (const name of ["wagner", "whats", "app", "kwa", "swap", "wahl", "whatsup-app", "w"]) expect(isWhatsApp(name), name).toBe(false);
  });

  it("accepts a configured channel and every channel type; anything else is a usage error (exit 2)", () => {
    for (const type of Object.keys(CHANNEL_TYPES)) expect(code(() => requireChannelName(type, []))).toBeUndefined();
    expect(code(() => requireChannelName("mappe", ["folder", "mappe"]))).toBeUndefined();
    expect(code(() => requireChannelName("quatsch", ["folder", "mappe"]))).toBe(2);
    try {
      requireChannelName("quatsch", ["folder", "mappe"]);
    } catch (error) {
      expect(error).toMatchObject({ key: "channel.unknownName", params: { name: "quatsch", configured: "folder, mappe", types: "folder, threema, signal, wire, email" } });
    }
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => !isWhatsApp(s) && !Object.hasOwn(CHANNEL_TYPES, s)),
        (name) => code(() => requireChannelName(name, [])) === 2 && code(() => requireChannelName(name, [name])) === undefined,
      ),
    );
  });

  it("a new channel may take its own type's name or any other, but not another type's", () => {
    expect(code(() => requireNewChannelName("folder", "folder"))).toBeUndefined();
    expect(code(() => requireNewChannelName("mappe", "folder"))).toBeUndefined();
    expect(code(() => requireNewChannelName("threema", "folder"))).toBe(2);
  });
});

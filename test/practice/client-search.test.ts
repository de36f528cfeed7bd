/**
 * Finding clients by what the practitioner remembers, and telling whether a plain-text label (a
 * group's name) names one of them.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clientMatches, labelNamesClient } from "../../src/practice/client-search.js";

describe("labelNamesClient", () => {
  const client = { alias: "k042", name: "Jürgen Groß-Öztürk", familyName: "Groß-Öztürk" };

  it("finds the alias as a part, and the name's words as parts or inside the label, in any spelling", () => {
    for (const label of ["k042", "K042-kurs", "a.k042", "juergen", "Jurgen_2", "gross", "oeztuerk-a", "ozturk", "dienstag-grossgruppe", "OEZTUERKS"]) {
      expect(labelNamesClient(label, client), label).toBe(true);
    }
    for (const label of ["supervision-a", "k0420", "k04", "kurs-dienstag", "gro", "jue"]) {
      expect(labelNamesClient(label, client), label).toBe(false);
    }
  });

  it("finds a shortened family name, and the client's ways of contact: phone digits, Threema ID, e-mail name", () => {
    const reached = { alias: "k101", name: "Zauberflöte Quellenberg", phone: "+4915112349876", threema: "ECHOECHO", email: "z.quellenberg@example.org" };
    for (const label of ["Quellenb-paar", "quellen", "4915112349876", "gruppe-12349876", "echoecho", "z.quellenberg", "zquellenberg-kurs"]) {
      expect(labelNamesClient(label, reached), label).toBe(true);
    }
    for (const label of ["quel-paar", "gruppe-2027", "123456-kurs", "echo", "supervision", "paar-dienstag"]) {
      expect(labelNamesClient(label, reached), label).toBe(false);
    }
  });

  it("a client without a name is named only by the alias", () => {
    expect(labelNamesClient("kiwi", { alias: "kiwi" })).toBe(true);
    expect(labelNamesClient("kiwi-group", { alias: "kiwi" })).toBe(true);
    expect(labelNamesClient("kiwis", { alias: "kiwi" })).toBe(false);
  });

  it("property: any word of three letters or more of a name, put between other parts, is found", () => {
    const word = fc.stringMatching(/^[A-Za-z]{3,12}$/);
    const part = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    fc.assert(
      fc.property(word, word, part, part, fc.constantFrom(".", "-", "_"), (given, family, before, after, sep) => {
        const named = { alias: "x1", name: `${given} ${family}` };
        expect(labelNamesClient([before, family.toLowerCase(), after].join(sep), named)).toBe(true);
        expect(labelNamesClient([before, given.toUpperCase(), after].join(sep), named)).toBe(true);
      }),
    );
  });
});

describe("clientMatches", () => {
  it("matches alias or name, ignoring case, accents and umlaut spellings; an empty term matches all", () => {
    const client = { alias: "k7", name: "Renée Größe" };
    for (const term of ["k7", "renee", "GROESSE", "grosse", "Größe", "", "  "]) expect(clientMatches(client, term), term).toBe(true);
    expect(clientMatches(client, "k8")).toBe(false);
    expect(clientMatches(client, "Grüße")).toBe(false);
  });
});

/**
 * The 24-hour rule in one place (records/time.ts `roomOnDay`), which `time log`, `time edit` and
 * the automatic entries share: what fits never takes a client's day over 24 hours, never exceeds
 * what was asked for, and is all of it whenever the day has room.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_CONTACT_MINUTES } from "../../src/records/duration.js";
import { roomOnDay, type TimeEntry } from "../../src/records/time.js";

const entry = (id: string, client: string, day: string, minutes: number): TimeEntry => ({
  id, client, day, minutes, kind: "other", source: "manual", created: "2026-12-01T10:00:00.000Z", updated: "2026-12-01T10:00:00.000Z",
});
const A = "a".repeat(32);
const B = "b".repeat(32);

describe("roomOnDay", () => {
  it("fits what the day has room for, and no more", () => {
    const minutes = fc.integer({ min: 1, max: MAX_CONTACT_MINUTES });
    fc.assert(
      fc.property(fc.array(minutes, { maxLength: 6 }), minutes, (earlier, asked) => {
        const entries = earlier.map((m, i) => entry(`e${i}`.padEnd(8, "0"), A, "2026-12-09", m));
        const logged = earlier.reduce((t, m) => t + m, 0);
        const room = roomOnDay(entries, A, "2026-12-09", asked);
        expect(room.logged).toBe(logged);
        expect(room.fits).toBeGreaterThanOrEqual(0);
        expect(room.fits).toBeLessThanOrEqual(asked);
        if (room.fits > 0) expect(logged + room.fits).toBeLessThanOrEqual(MAX_CONTACT_MINUTES);
        expect(room.fits === asked).toBe(logged + asked <= MAX_CONTACT_MINUTES);
      }),
    );
  });

  it("counts only the client's entries on that day, and leaves out the entry being corrected", () => {
    const entries = [entry("aaaaaaaa", A, "2026-12-09", 20 * 60), entry("bbbbbbbb", B, "2026-12-09", 23 * 60), entry("cccccccc", A, "2026-12-08", 23 * 60)];
    expect(roomOnDay(entries, A, "2026-12-09", 5 * 60)).toEqual({ logged: 20 * 60, fits: 4 * 60 });
    expect(roomOnDay(entries, A, "2026-12-09", 5 * 60, "aaaaaaaa")).toEqual({ logged: 0, fits: 5 * 60 });
    expect(roomOnDay([...entries, entry("dddddddd", A, "2026-12-09", 4 * 60)], A, "2026-12-09", 1)).toEqual({ logged: 24 * 60, fits: 0 });
  });
});

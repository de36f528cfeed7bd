/**
 * The appointment item: a one-event iCalendar file (RFC 5545) any calendar app imports.
 * Times are written in UTC (`DTSTART:…Z`), so no VTIMEZONE block is needed; lines end in CRLF
 * and are folded at 75 octets (RFC 5545 §3.1) without splitting a UTF-8 sequence.
 */
export interface Appointment {
  readonly start: Date;
  readonly minutes: number;
  readonly summary: string;
  readonly uid: string;
  readonly location?: string;
}

function utc(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** RFC 5545 §3.3.11 TEXT escaping. */
export function escapeText(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
}

/** Fold one content line into chunks of at most 75 octets; continuation lines start with a space. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = "";
  let bytes = 0;
  let limit = 75;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, "utf8");
    if (bytes + size > limit) {
      out.push(current);
      current = " ";
      bytes = 1;
      limit = 75;
    }
    current += ch;
    bytes += size;
  }
  out.push(current);
  return out.join("\r\n");
}

export function appointmentIcs(a: Appointment, stamp: Date): string {
  const end = new Date(a.start.getTime() + a.minutes * 60_000);
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//nachklang//nachklang//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    `UID:${a.uid}`,
    `DTSTAMP:${utc(stamp)}`,
    `DTSTART:${utc(a.start)}`,
    `DTEND:${utc(end)}`,
    `SUMMARY:${escapeText(a.summary)}`,
    ...(a.location === undefined ? [] : [`LOCATION:${escapeText(a.location)}`]),
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return lines.map(foldLine).join("\r\n") + "\r\n";
}

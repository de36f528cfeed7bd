/** The three ways `templates check` reports: `file:line: message` lines, JSON, and JUnit XML for CI. */
import { isAbsolute, relative } from "node:path";
import { t, type Lang } from "../messages/index.js";
import { printable } from "../printable.js";
import type { CheckReport } from "./check.js";

export const REPORT_FORMATS = ["text", "json", "junit"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A path as the user will want to read it: relative to `cwd` when below it. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

export function problemLines(report: CheckReport, lang: Lang, cwd: string): string[] {
  // A file name or a quoted value may carry what a terminal acts on (ESC, bidi overrides): "?".
  return report.problems.map((p) => printable(`${displayPath(p.file, cwd)}:${p.line}: ${t(lang, p.key, p.params)}`));
}

export function reportJson(report: CheckReport, lang: Lang, cwd: string): unknown {
  return {
    ok: report.problems.length === 0,
    templates: report.files.length,
    problems: report.problems.map((p) => ({ file: displayPath(p.file, cwd), line: p.line, code: p.key, message: t(lang, p.key, p.params) })),
  };
}

/** Text for an XML attribute or element: control characters (which XML 1.0 does not allow) as "?", markup escaped. */
const xml = (s: string) =>
  printable(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] ?? c);

/** One test case per template file; each problem is a failure in it. */
export function reportJunit(report: CheckReport, lang: Lang, cwd: string): string {
  const failures = report.files.filter((f) => report.problems.some((p) => p.file === f)).length;
  const cases = report.files.map((file) => {
    const name = xml(displayPath(file, cwd));
    const mine = report.problems.filter((p) => p.file === file);
    if (mine.length === 0) return `    <testcase classname="templates" name="${name}"/>`;
    const body = mine
      .map((p) => {
        const message = xml(`${displayPath(p.file, cwd)}:${p.line}: ${t(lang, p.key, p.params)}`);
        return `      <failure type="${xml(p.key)}" message="${message}">${message}</failure>`;
      })
      .join("\n");
    return `    <testcase classname="templates" name="${name}">\n${body}\n    </testcase>`;
  });
  // Problems in files outside the checked set (an include) still count.
  const stray = report.problems.filter((p) => !report.files.includes(p.file));
  for (const p of stray) {
    const message = xml(`${displayPath(p.file, cwd)}:${p.line}: ${t(lang, p.key, p.params)}`);
    cases.push(`    <testcase classname="templates" name="${xml(displayPath(p.file, cwd))}">\n      <failure type="${xml(p.key)}" message="${message}">${message}</failure>\n    </testcase>`);
  }
  const total = report.files.length + stray.length;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="nachklang templates check" tests="${total}" failures="${failures + stray.length}">`,
    `  <testsuite name="templates" tests="${total}" failures="${failures + stray.length}" errors="0">`,
    ...cases,
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}

/**
 * `nachklang new`: the wizard. Choose the client (search: alias or name), add photos and audio (paths
 * checked as they are typed), choose a homework template in the client's language and fill its
 * variables, add impulses and a note (editor), see a preview, confirm. Nothing is stored before
 * the confirmation, so Ctrl-C at any step leaves nothing behind.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { isExecutable, onPath } from "../../executables.js";
import { ExitCode, UserError, promptInterrupted } from "../../errors.js";
import { FOLLOWUP_KINDS, IMPULSE_KINDS, kindOfTemplate, type FollowUpDraft, type FollowUpKind, type Impulse, type MediaInput } from "../../followup/draft.js";
import { parseAppointment } from "../../followup/compose.js";
import { previewFollowUp } from "../../followup/pipeline.js";
import type { MessageKey } from "../../messages/index.js";
import { clientMatches } from "../../practice/client-search.js";
import { makePrivateTemp, removeTemp } from "../../temp.js";
import { promptTheme, type CliContext } from "../context.js";
import { printable } from "../../printable.js";
import { checkDraft, formatSize, openCliWorkflow, printItems, sendPrepared } from "../workflow.js";
import { logComposingTime } from "../records.js";

const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

/** The editor inquirer's editor prompt starts (its own rule: VISUAL, else EDITOR, else vim), without arguments. */
function editorCommand(): string {
  const given = process.env.VISUAL || process.env.EDITOR || "vim";
  return given.trim().split(/\s+/)[0] ?? given;
}

/** Whether `command` names an executable file, by path or on the PATH. */
function commandExists(command: string): boolean {
  return command.includes("/") ? isExecutable(resolve(command)) : onPath(command) !== undefined;
}

export async function run(ctx: CliContext, o: { now?: boolean }): Promise<void> {
  try {
    await wizard(ctx, o);
  } catch (error) {
    if (!promptInterrupted(error)) throw error;
    // Nothing was stored yet; temporary files are removed by the CLI's clean-up.
    ctx.out.warn("cli.interrupted");
    process.exitCode = 130;
  }
}

async function wizard(ctx: CliContext, o: { now?: boolean }): Promise<void> {
  if (!process.stdin.isTTY) throw new UserError(ExitCode.usage, "new.needsTerminal");
  const { default: inquirer } = await import("inquirer");
  const { practice, wf } = await openCliWorkflow(ctx);
  // Composing is contact time: measured from here to the stored follow-up (time.ts, docs/records.md).
  const started = performance.now();
  const clients = practice.clients.list();
  if (clients.length === 0) throw new UserError(ExitCode.usage, "new.noClients");
  const text = (key: MessageKey, params?: Record<string, string | number>) => ctx.out.text(key, params);
  // Every prompt in the practice's language: inquirer's own hints through its theme, the rest
  // (validation messages, "no results") replaced here.
  const theme = promptTheme(ctx);

  const { alias } = await inquirer.prompt<{ alias: string }>([
    {
      type: "search",
      name: "alias",
      message: text("new.client"),
      theme,
      source: (term: string | undefined) => {
        const found = clients
          // By alias or display name (decrypted in memory, shown only here on the practitioner's screen).
          .filter((c) => clientMatches(c, term))
          .map((c) => ({ value: c.alias, name: `${c.alias}${c.name ? ` – ${printable(c.name)}` : ""} (${c.lang}${c.channel ? `, ${c.channel}` : ""})` }));
        // inquirer's own "No results found" cannot be translated: show a line that cannot be chosen.
        return found.length > 0 ? found : [{ value: "", name: "…", disabled: text("new.noMatch") }];
      },
    },
  ]);
  const client = practice.clients.require(alias);
  // What would stop the follow-up whatever it holds (no consent for the client's channel, no
  // address, nothing they could open) is said now, not after every question.
  if ((await checkDraft(ctx, wf, { client: alias, photos: [], audio: [], impulses: [], note: "." })) === undefined) return;
  const { kind } = await inquirer.prompt<{ kind: FollowUpKind }>([
    {
      type: "select",
      name: "kind",
      message: text("new.kind"),
      theme,
      choices: FOLLOWUP_KINDS.map((k) => ({ value: k, name: text(`kind.label.${k}` as MessageKey) })),
    },
  ]);

  const media = async (key: "new.photo" | "new.audio", captionKey: "new.caption" | "new.audioCaption"): Promise<MediaInput[]> => {
    const list: MediaInput[] = [];
    for (;;) {
      const { path } = await inquirer.prompt<{ path: string }>([
        {
          type: "input",
          name: "path",
          message: text(key),
          theme,
          validate: (value: string) => value.trim() === "" || isFile(resolve(value.trim())) || text("new.notAFile", { file: value.trim() }),
        },
      ]);
      if (path.trim() === "") return list;
      const { caption } = await inquirer.prompt<{ caption: string }>([{ type: "input", name: "caption", message: text(captionKey), theme }]);
      list.push(caption.trim() === "" ? { path: resolve(path.trim()) } : { path: resolve(path.trim()), caption: caption.trim() });
    }
  };
  const photos = await media("new.photo", "new.caption");
  const audio = await media("new.audio", "new.audioCaption");

  // The templates of this kind only (onboarding texts are welcome or ground rules by their id).
  const templates = (await wf.homework.list(client.lang)).filter((t) => kindOfTemplate(t.kind ?? "homework", t.id) === kind);
  let homework: FollowUpDraft["homework"];
  if (templates.length > 0) {
    const { id } = await inquirer.prompt<{ id: string }>([
      {
        type: "select",
        name: "id",
        message: text(kind === "homework" ? "new.homework" : "new.template"),
        theme,
        choices: [{ value: "", name: text("new.noHomework") }, ...templates.map((t) => ({ value: t.id, name: `${printable(t.title)} (${t.id})` }))],
      },
    ]);
    const template = templates.find((t) => t.id === id);
    if (template !== undefined) {
      const vars: Record<string, string> = {};
      for (const v of template.variables) {
        const { value } = await inquirer.prompt<{ value: string }>([
          {
            type: "input",
            name: "value",
            message: text("new.var", { name: v.name, description: v.description ? ` – ${v.description}` : "" }),
            theme,
            // Checked as the render will take it, so a wrong value is said here, not after every
            // further question.
            validate: (value: string) =>
              value.trim() === ""
                ? !v.required || text("new.required")
                : v.accepts(value.trim()) || text("new.varInvalid", { name: v.name, expected: `templates.expected.${v.type}`, values: (v.values ?? []).join(", ") }),
          },
        ]);
        if (value.trim() !== "") vars[v.name] = value.trim();
      }
      homework = { id: template.id, vars };
      // A template that does not render (a broken home template) is said now, too.
      if ((await checkDraft(ctx, wf, { client: alias, kind, photos: [], audio: [], impulses: [], homework })) === undefined) return;
    }
  }

  const impulses: Impulse[] = [];
  for (;;) {
    const { kind } = await inquirer.prompt<{ kind: string }>([
      {
        type: "select",
        name: "kind",
        message: text("new.impulseKind"),
        theme,
        choices: [{ value: "", name: text("new.impulseDone") }, ...IMPULSE_KINDS.map((k) => ({ value: k, name: text(`followup.impulse.${k}` as MessageKey) }))],
      },
    ]);
    if (kind === "") break;
    const { value } = await inquirer.prompt<{ value: string }>([{ type: "input", name: "value", message: text("new.impulseText"), theme, validate: (v: string) => v.trim() !== "" || text("new.required") }]);
    impulses.push({ kind: kind as Impulse["kind"], text: value.trim() });
  }

  let note: string | undefined;
  const { wantNote } = await inquirer.prompt<{ wantNote: boolean }>([{ type: "confirm", name: "wantNote", default: true, message: text("new.addNote"), theme }]);
  const editor = editorCommand();
  if (wantNote && !commandExists(editor)) {
    // inquirer would show its own English error and wait for good: a line of ours, and the note typed here.
    ctx.out.warn("new.noEditor", { editor: printable(editor) });
    const { value } = await inquirer.prompt<{ value: string }>([{ type: "input", name: "value", message: text("new.noteLine"), theme }]);
    if (value.trim() !== "") note = value.trim();
  } else if (wantNote) {
    // The editor works on a file: in a private temporary folder of ours (inquirer's default is
    // the bare system temp folder), so that Ctrl-C, a SIGTERM or the next run removes the note.
    const noteDir = await makePrivateTemp("nachklang-note-");
    try {
      const { value } = await inquirer.prompt<{ value: string }>([{ type: "editor", name: "value", message: text("new.note"), theme, file: { dir: noteDir } }]);
      if (value.trim() !== "") note = value.trim();
    } finally {
      await removeTemp(noteDir);
    }
  }
  const { appointment } = await inquirer.prompt<{ appointment: string }>([
    {
      type: "input",
      name: "appointment",
      message: text("new.appointment"),
      theme,
      validate: (v: string) => {
        if (v.trim() === "") return kind !== "reminder" || text("kind.reminderNeedsAppointment", { alias });
        const { start, problem } = parseAppointment(v, wf.tz);
        if (problem !== undefined) return text(problem.key, problem.params);
        return start.getTime() > wf.now().getTime() || text("date.appointmentPast", { value: v.trim() });
      },
    },
  ]);

  const draft: FollowUpDraft = {
    client: alias,
    kind,
    photos,
    audio,
    impulses,
    ...(homework === undefined ? {} : { homework }),
    ...(note === undefined ? {} : { note }),
    ...(appointment.trim() === "" ? {} : { appointment: appointment.trim() }),
  };
  if (photos.length + audio.length + impulses.length === 0 && !homework && !note && !draft.appointment) {
    throw new UserError(ExitCode.usage, "workflow.nothingToSend", { alias });
  }
  const valid = await checkDraft(ctx, wf, draft);
  if (valid === undefined) return;

  const preview = await previewFollowUp(valid, wf.prepare);
  ctx.out.say("new.preview");
  ctx.out.line(preview.composed.message);
  ctx.out.say("send.dryRunItems", { count: preview.items.length, size: formatSize(preview.bundleBytes) });
  printItems(ctx, preview.items);
  const { ok } = await inquirer.prompt<{ ok: boolean }>([
    { type: "confirm", name: "ok", default: true, message: text("send.confirm", { alias, channel: valid.channel.name }), theme },
  ]);
  if (!ok) {
    ctx.out.say("send.aborted");
    return;
  }
  await sendPrepared(ctx, wf, valid, "new", o.now === true ? { immediate: true } : {});
  await logComposingTime(ctx, { practice, wf }, alias, performance.now() - started);
}

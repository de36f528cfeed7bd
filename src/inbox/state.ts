/**
 * What the ledger knows about clients' messages: folded from the inbox events (received, read,
 * replied). No content and no names: ids, client tags, channels and times.
 */
import { isInboxEvent, type InboxEvent, type LedgerEvent } from "../delivery/ledger.js";

export interface MessageState {
  readonly id: string;
  readonly client: string;
  readonly channel: string;
  readonly channelType: string;
  /** When it arrived (the service's clock where it says, else when nachklang stored it). */
  readonly arrived: string;
  /** When it was decoded into the inbox. */
  readonly received: string;
  readonly files: number;
  /** The off-period it arrived in, when the away notice was on. */
  readonly away?: string;
  read?: string;
  replied?: { readonly at: string; readonly fu: string };
}

export function inboxEvents(events: readonly LedgerEvent[]): InboxEvent[] {
  return events.filter(isInboxEvent);
}

/** One state per message, in the order they were received. */
export function foldInbox(events: readonly LedgerEvent[]): Map<string, MessageState> {
  const states = new Map<string, MessageState>();
  for (const e of inboxEvents(events)) {
    switch (e.ev) {
      case "received":
        if (!states.has(e.msg)) {
          states.set(e.msg, {
            id: e.msg,
            client: e.client,
            channel: e.channel,
            channelType: e.channelType,
            arrived: e.arrived,
            received: e.at,
            files: e.files,
            ...(e.away === undefined ? {} : { away: e.away }),
          });
        }
        break;
      case "read": {
        const s = states.get(e.msg);
        if (s !== undefined && s.read === undefined) s.read = e.at;
        break;
      }
      case "replied":
        for (const id of e.msgs) {
          const s = states.get(id);
          if (s !== undefined && s.replied === undefined) s.replied = { at: e.at, fu: e.fu };
        }
        break;
      default:
        break;
    }
  }
  return states;
}

/** Messages waiting to be read, oldest first. */
export function unread(states: ReadonlyMap<string, MessageState>, client?: string): MessageState[] {
  return [...states.values()].filter((s) => s.read === undefined && (client === undefined || s.client === client)).sort((a, b) => a.arrived.localeCompare(b.arrived));
}

export interface Waiting {
  readonly client: string;
  readonly count: number;
  /** The oldest waiting message's arrival. */
  readonly since: string;
  readonly files: number;
  readonly channels: readonly string[];
}

/** Per client: how many messages wait and since when, the longest-waiting client first. */
export function waitingByClient(states: ReadonlyMap<string, MessageState>): Waiting[] {
  const groups = new Map<string, MessageState[]>();
  for (const s of unread(states)) groups.set(s.client, [...(groups.get(s.client) ?? []), s]);
  return [...groups.entries()]
    .map(([client, list]) => ({
      client,
      count: list.length,
      since: list[0]?.arrived ?? "",
      files: list.reduce((n, s) => n + s.files, 0),
      channels: [...new Set(list.map((s) => s.channel))],
    }))
    .sort((a, b) => a.since.localeCompare(b.since));
}

/** What one JSON-RPC call to signal-cli's HTTP daemon came to (src/channels/signal.ts makes the calls, signal/inbox.ts reads them). */
export type RpcOutcome =
  | { readonly kind: "result"; readonly result: unknown }
  | { readonly kind: "error"; readonly code: number; readonly message: string; readonly data: unknown }
  /** The request cannot have reached signal-cli (connection refused, unknown host). */
  | { readonly kind: "unreachable"; readonly detail: string }
  /** The request was rejected by the HTTP layer before signal-cli ran anything (4xx, or a 3xx redirect, never followed). */
  | { readonly kind: "rejected"; readonly detail: string }
  /** The request may have been acted on, but no usable answer came back. */
  | { readonly kind: "uncertain"; readonly detail: string }
  /**
   * The answer was longer than the caller allowed (`limitBytes`): reading stopped there and the
   * connection was closed. The request may have been acted on.
   */
  | { readonly kind: "tooLarge"; readonly limitBytes: number };

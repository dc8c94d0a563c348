// The server's state as shown in the status bar. No `vscode` import: the model is
// unit-tested with `node --test`; extension.ts renders it into a StatusBarItem.

/** `$/progress` values (LSP WorkDoneProgressBegin / Report / End). */
export type ProgressValue =
  | { kind: "begin"; title: string; message?: string; percentage?: number }
  | { kind: "report"; message?: string; percentage?: number }
  | { kind: "end"; message?: string };

export type ServerState =
  | { kind: "starting"; detail: string }
  | { kind: "indexing"; title: string; message?: string; percentage?: number }
  | { kind: "ready"; detail: string }
  | { kind: "failed"; reason: string }
  | { kind: "stopped" };

/** What the status bar item shows; `error` picks the error colours. */
export interface StatusView {
  text: string;
  tooltip: string;
  error: boolean;
}

export function statusView(state: ServerState): StatusView {
  switch (state.kind) {
    case "starting":
      return { text: "$(loading~spin) jetls: starting", tooltip: `Starting the jetls server: ${state.detail}`, error: false };
    case "indexing": {
      const pct = state.percentage === undefined ? "" : ` ${Math.round(state.percentage)}%`;
      const what = [state.title, state.message].filter(Boolean).join(": ");
      return { text: `$(loading~spin) jetls: indexing${pct}`, tooltip: what || "Indexing the metric-hub checkout", error: false };
    }
    case "ready":
      return { text: "$(check) jetls", tooltip: `jetls is ready: ${state.detail}`, error: false };
    case "failed":
      return { text: "$(error) jetls: failed", tooltip: `${state.reason}\nClick to show the jetls output.`, error: true };
    case "stopped":
      return { text: "$(circle-slash) jetls: stopped", tooltip: "The jetls server is not running.", error: false };
  }
}

/**
 * Tracks the server's life and its work-done progress. The server reports indexing as
 * `window/workDoneProgress` (one token per indexing run); while any token is open the
 * state is "indexing", and "ready" once every token ended.
 */
export class ServerStatus {
  private state: ServerState = { kind: "stopped" };
  private running = false;
  private readyDetail = "";
  private readonly progress = new Map<string, Extract<ServerState, { kind: "indexing" }>>();

  constructor(private readonly onChange: (state: ServerState) => void) {}

  get current(): ServerState {
    return this.state;
  }

  starting(detail: string): void {
    this.running = false;
    this.progress.clear();
    this.set({ kind: "starting", detail });
  }

  /** The server answered `initialize`. */
  started(detail: string): void {
    this.running = true;
    this.readyDetail = detail;
    this.settle();
  }

  failed(reason: string): void {
    this.running = false;
    this.progress.clear();
    this.set({ kind: "failed", reason });
  }

  stopped(): void {
    this.running = false;
    this.progress.clear();
    this.set({ kind: "stopped" });
  }

  onProgress(token: string | number, value: ProgressValue): void {
    const key = String(token);
    if (value.kind === "begin") {
      this.progress.set(key, { kind: "indexing", title: value.title, message: value.message, percentage: value.percentage });
    } else if (value.kind === "report") {
      const open = this.progress.get(key);
      if (!open) {
        return;
      }
      this.progress.set(key, {
        ...open,
        message: value.message ?? open.message,
        percentage: value.percentage ?? open.percentage,
      });
    } else {
      this.progress.delete(key);
    }
    this.settle();
  }

  private settle(): void {
    if (!this.running) {
      return;
    }
    const open = [...this.progress.values()];
    this.set(open.length > 0 ? open[open.length - 1] : { kind: "ready", detail: this.readyDetail });
  }

  private set(state: ServerState): void {
    this.state = state;
    this.onChange(state);
  }
}

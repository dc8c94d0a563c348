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

/** Runs `fn` after `ms`; returns a function that cancels it (injected by tests). */
export type Schedule = (fn: () => void, ms: number) => () => void;

const realSchedule: Schedule = (fn, ms) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

/**
 * Tracks the server's life and its work-done progress. The server reports indexing as
 * `window/workDoneProgress` (one token per indexing run) right after `initialized`;
 * while any token is open the state is "indexing", and "ready" once every token ended.
 * Between the answer to `initialize` and the first progress the state stays "starting"
 * for up to `READY_GRACE_MS`, so the item does not flash "ready" before indexing.
 */
export class ServerStatus {
  static readonly READY_GRACE_MS = 1000;
  private state: ServerState = { kind: "stopped" };
  private running = false;
  private graceOver = false;
  private cancelGrace: () => void = () => undefined;
  private readyDetail = "";
  private readonly progress = new Map<string, Extract<ServerState, { kind: "indexing" }>>();

  constructor(
    private readonly onChange: (state: ServerState) => void,
    private readonly schedule: Schedule = realSchedule,
  ) {}

  get current(): ServerState {
    return this.state;
  }

  starting(detail: string): void {
    this.reset();
    this.set({ kind: "starting", detail });
  }

  /** The server answered `initialize`. */
  started(detail: string): void {
    this.cancelGrace();
    this.running = true;
    this.graceOver = false;
    this.readyDetail = detail;
    this.cancelGrace = this.schedule(() => {
      this.graceOver = true;
      this.settle();
    }, ServerStatus.READY_GRACE_MS);
    this.settle(); // progress that began before the client saw the answer to `initialize`
  }

  failed(reason: string): void {
    this.reset();
    this.set({ kind: "failed", reason });
  }

  stopped(): void {
    this.reset();
    this.set({ kind: "stopped" });
  }

  private reset(): void {
    this.cancelGrace();
    this.cancelGrace = () => undefined;
    this.running = false;
    this.graceOver = false;
    this.progress.clear();
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
      if (this.progress.delete(key)) {
        this.graceOver = true; // indexing is done: ready without waiting
      }
    }
    this.settle();
  }

  private settle(): void {
    if (!this.running) {
      return;
    }
    const open = [...this.progress.values()];
    if (open.length > 0) {
      this.set(open[open.length - 1]);
    } else if (this.graceOver) {
      this.set({ kind: "ready", detail: this.readyDetail });
    }
  }

  private set(state: ServerState): void {
    if (JSON.stringify(state) === JSON.stringify(this.state)) {
      return;
    }
    this.state = state;
    this.onChange(state);
  }
}

// A small fake of the `vscode` API: enough for vscode-languageclient to start a
// real server process, sync a document and deliver diagnostics, so the
// extension glue can be exercised without an extension host. Anything not
// modelled is a harmless "universal" no-op proxy.
/* eslint-disable @typescript-eslint/no-explicit-any */
import * as path from "path";

// minimatch ships with vscode-languageclient (which uses it for the same purpose).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const minimatch = require(require.resolve("minimatch", { paths: [require.resolve("vscode-languageclient")] }));
const mm: (p: string, g: string, o?: object) => boolean = minimatch.minimatch ?? minimatch;

function universal(): any {
  const fn = function () {
    return universal();
  };
  return new Proxy(fn, {
    get(_t, prop) {
      if (prop === "then") {
        return undefined;
      }
      if (prop === Symbol.toPrimitive) {
        return () => "";
      }
      if (prop === Symbol.iterator) {
        return function* () {};
      }
      return universal();
    },
    apply: () => universal(),
    construct: () => universal(),
  });
}

type Listener<T> = (e: T) => unknown;
export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  event = (listener: Listener<T>, thisArg?: unknown) => {
    const l = thisArg ? listener.bind(thisArg) : listener;
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) {
      l(e);
    }
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class Uri {
  constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
    readonly query = "",
    readonly fragment = "",
  ) {}
  static file(p: string): Uri {
    return new Uri("file", "", p.replace(/\\/g, "/"));
  }
  static parse(s: string): Uri {
    const u = new URL(s);
    return new Uri(u.protocol.replace(/:$/, ""), u.host, decodeURIComponent(u.pathname), u.search.replace(/^\?/, ""), u.hash.replace(/^#/, ""));
  }
  get fsPath(): string {
    return path.normalize(this.path);
  }
  with(change: Partial<Uri>): Uri {
    return new Uri(change.scheme ?? this.scheme, change.authority ?? this.authority, change.path ?? this.path, change.query ?? this.query, change.fragment ?? this.fragment);
  }
  toString(): string {
    if (this.scheme === "file") {
      return "file://" + this.path.split("/").map(encodeURIComponent).join("/");
    }
    return `${this.scheme}:${this.authority ? "//" + this.authority : ""}${this.path}`;
  }
  toJSON(): unknown {
    return { scheme: this.scheme, path: this.path };
  }
}

export class Position {
  constructor(readonly line: number, readonly character: number) {}
}
export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: any, b: any, c?: number, d?: number) {
    if (typeof a === "number") {
      this.start = new Position(a, b);
      this.end = new Position(c!, d!);
    } else {
      this.start = a;
      this.end = b;
    }
  }
}
export class Selection extends Range {
  get active(): Position {
    return this.end;
  }
}
export class Diagnostic {
  code?: unknown;
  source?: string;
  tags?: unknown[];
  relatedInformation?: unknown[];
  constructor(readonly range: Range, readonly message: string, readonly severity = 0) {}
}
export class Disposable {
  constructor(private readonly fn: () => void) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  dispose(): void {
    this.fn();
  }
}
export class CancellationTokenSource {
  token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
  cancel(): void {
    this.token.isCancellationRequested = true;
  }
  dispose(): void {}
}

export interface FakeDocument {
  uri: Uri;
  languageId: string;
  version: number;
  getText(): string;
  isClosed: boolean;
  isDirty: boolean;
  isUntitled: boolean;
  fileName: string;
  lineCount: number;
  eol: number;
}

export function makeDocument(fsPath: string, languageId: string, text: string): FakeDocument {
  return {
    uri: Uri.file(fsPath),
    languageId,
    version: 1,
    getText: () => text,
    isClosed: false,
    isDirty: false,
    isUntitled: false,
    fileName: fsPath,
    lineCount: text.split("\n").length,
    eol: 1,
  };
}

export interface FakeState {
  commands: Map<string, (...args: any[]) => unknown>;
  logs: string[];
  diagnostics: Map<string, Diagnostic[]>;
  opened: { language?: string; content?: string }[];
  messages: string[];
  settings: Record<string, unknown>;
  onDidOpen: EventEmitter<FakeDocument>;
  onDidChangeConfiguration: EventEmitter<{ affectsConfiguration(s: string): boolean }>;
  textDocuments: FakeDocument[];
  activeTextEditor?: unknown;
  /** `workspace.isTrusted`. */
  trusted: boolean;
  /** Settings from the workspace (`.vscode/settings.json`); `settings` are the user's. */
  workspaceSettings: Record<string, unknown>;
  /** Every text the status bar item showed, in order, and its last tooltip. */
  statusTexts: string[];
  statusTooltip?: string;
  /** Extensions returned by `extensions.getExtension`. */
  extensions: Record<string, unknown>;
}

export function createFakeVscode(folders: string[], settings: Record<string, unknown> = {}) {
  const state: FakeState = {
    commands: new Map(),
    logs: [],
    diagnostics: new Map(),
    opened: [],
    messages: [],
    settings,
    onDidOpen: new EventEmitter(),
    onDidChangeConfiguration: new EventEmitter(),
    textDocuments: [],
    trusted: true,
    workspaceSettings: {},
    statusTexts: [],
    extensions: {},
  };
  const emitter = () => new EventEmitter<any>().event;
  const channel = () => {
    const add = (level: string) => (m: string) => state.logs.push(`${level} ${m}`);
    return {
      name: "jetls",
      append: add("append"),
      appendLine: add("line"),
      trace: add("trace"),
      debug: add("debug"),
      info: add("info"),
      warn: add("warn"),
      error: (m: unknown) => state.logs.push(`error ${String(m)}`),
      show() {},
      hide() {},
      clear() {},
      replace() {},
      dispose() {},
      logLevel: 2,
      onDidChangeLogLevel: emitter(),
    };
  };
  const workspaceFolders = folders.map((f, index) => ({ uri: Uri.file(f), name: path.basename(f), index }));
  const vscode: Record<string, any> = {
    version: "1.82.0",
    Uri,
    Position,
    Range,
    Selection,
    Diagnostic,
    Disposable,
    EventEmitter,
    CancellationTokenSource,
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    ViewColumn: { Beside: -2, Active: -1, One: 1 },
    env: { appName: "fake", language: "en", machineId: "x", sessionId: "y", uiKind: 1, appRoot: "/" },
    extensions: { getExtension: (id: string) => state.extensions[id], all: [], onDidChange: emitter() },
    commands: {
      registerCommand: (id: string, fn: (...a: any[]) => unknown) => {
        state.commands.set(id, fn);
        return new Disposable(() => state.commands.delete(id));
      },
      executeCommand: async (id: string, ...args: any[]) => state.commands.get(id)?.(...args),
      getCommands: async () => [...state.commands.keys()],
    },
    window: {
      createOutputChannel: channel,
      createStatusBarItem: () => {
        const item: Record<string, unknown> = { show() {}, hide() {}, dispose() {} };
        return new Proxy(item, {
          set(target, prop, value) {
            target[prop as string] = value;
            if (prop === "text") {
              state.statusTexts.push(String(value));
            } else if (prop === "tooltip") {
              state.statusTooltip = String(value);
            }
            return true;
          },
        });
      },
      showErrorMessage: async (m: string) => void state.messages.push(`error ${m}`),
      showWarningMessage: async (m: string) => void state.messages.push(`warning ${m}`),
      showInformationMessage: async (m: string) => void state.messages.push(`info ${m}`),
      showTextDocument: async (doc: unknown) => doc,
      get activeTextEditor() {
        return state.activeTextEditor;
      },
      visibleTextEditors: [],
      onDidChangeActiveTextEditor: emitter(),
      onDidChangeVisibleTextEditors: emitter(),
      onDidChangeWindowState: emitter(),
      state: { focused: true },
    },
    languages: {
      match: (selector: any, doc: FakeDocument) => {
        const filters = Array.isArray(selector) ? selector : [selector];
        for (const f of filters) {
          if (typeof f === "string") {
            if (f === doc.languageId) {
              return 10;
            }
            continue;
          }
          if (f.language && f.language !== doc.languageId) {
            continue;
          }
          if (f.scheme && f.scheme !== doc.uri.scheme) {
            continue;
          }
          if (f.pattern && !mm(doc.uri.fsPath.replace(/\\/g, "/"), String(f.pattern), { dot: true })) {
            continue;
          }
          return 10;
        }
        return 0;
      },
      createDiagnosticCollection: (name: string) => {
        const coll = {
          name,
          set: (uri: Uri | [Uri, Diagnostic[]][], diags?: Diagnostic[]) => {
            if (Array.isArray(uri)) {
              for (const [u, d] of uri) {
                state.diagnostics.set(u.toString(), d ?? []);
              }
            } else {
              state.diagnostics.set(uri.toString(), diags ?? []);
            }
          },
          delete: (uri: Uri) => state.diagnostics.delete(uri.toString()),
          clear: () => state.diagnostics.clear(),
          get: (uri: Uri) => state.diagnostics.get(uri.toString()),
          has: (uri: Uri) => state.diagnostics.has(uri.toString()),
          forEach: () => undefined,
          dispose: () => undefined,
        };
        return coll;
      },
      getLanguages: async () => ["toml", "sql"],
    },
    workspace: {
      workspaceFolders,
      name: "fake",
      get textDocuments() {
        return state.textDocuments;
      },
      getWorkspaceFolder: (uri: Uri) => workspaceFolders.find((f) => uri.fsPath.startsWith(f.uri.fsPath)),
      get isTrusted() {
        return state.trusted;
      },
      onDidGrantWorkspaceTrust: emitter(),
      getConfiguration: (section?: string) => {
        const full = (key: string) => (section ? `${section}.${key}` : key);
        const pick = (key: string) =>
          full(key) in state.workspaceSettings ? state.workspaceSettings : full(key) in state.settings ? state.settings : undefined;
        return {
          get: (key: string, def?: unknown) => (pick(key) ? pick(key)![full(key)] : def),
          has: (key: string) => pick(key) !== undefined,
          inspect: (key: string) => ({
            globalValue: state.settings[full(key)],
            workspaceValue: state.workspaceSettings[full(key)],
          }),
          update: async () => undefined,
        };
      },
      onDidOpenTextDocument: state.onDidOpen.event,
      onDidChangeConfiguration: state.onDidChangeConfiguration.event,
      onDidChangeWorkspaceFolders: emitter(),
      onDidCloseTextDocument: emitter(),
      onDidChangeTextDocument: emitter(),
      onDidSaveTextDocument: emitter(),
      onWillSaveTextDocument: emitter(),
      onDidCreateFiles: emitter(),
      onDidDeleteFiles: emitter(),
      onDidRenameFiles: emitter(),
      onWillCreateFiles: emitter(),
      onWillDeleteFiles: emitter(),
      onWillRenameFiles: emitter(),
      onDidChangeNotebookDocument: emitter(),
      onDidOpenNotebookDocument: emitter(),
      onDidCloseNotebookDocument: emitter(),
      onDidSaveNotebookDocument: emitter(),
      notebookDocuments: [],
      createFileSystemWatcher: () => ({
        onDidCreate: emitter(),
        onDidChange: emitter(),
        onDidDelete: emitter(),
        dispose() {},
      }),
      openTextDocument: async (arg: { language?: string; content?: string }) => {
        state.opened.push(arg);
        return { ...arg, uri: new Uri("untitled", "", "Untitled-1") };
      },
    },
  };
  const proxy = new Proxy(vscode, {
    get(target, prop: string) {
      if (prop in target) {
        return target[prop];
      }
      if (/^[A-Z]/.test(prop)) {
        // Classes and enums the client touches but this fake does not model.
        const cls = class {
          constructor(...args: unknown[]) {
            Object.assign(this, { args });
          }
        };
        target[prop] = new Proxy(cls, {
          get: (c: any, p) => (p in c ? c[p] : typeof p === "string" && /^[A-Z]/.test(p) ? p : undefined),
        });
        return target[prop];
      }
      return universal();
    },
  });
  return { vscode: proxy, state };
}

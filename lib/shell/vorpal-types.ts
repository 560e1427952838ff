/**
 * The part of vorpal 1.12 this shell uses, declared here: @types/vorpal lacks some of it (on(),
 * historyStoragePath(), autocomplete with the typed word), so the project does not depend on it.
 */
export interface VorpalShell {
  on(event: 'client_prompt_submit', listener: (line: string) => void): this;
  on(event: 'client_keypress', listener: (event: { key?: { name?: string; ctrl?: boolean }; value?: string }) => void): this;
  historyStoragePath(path: string): this;
  history(id: string): this;
  delimiter(text: string): this;
  show(): this;
  hide(): this;
  sigint(handler: () => void): this;
  command(name: string, description?: string): VorpalCommand;
  catch(name: string, description?: string): VorpalCommand;
  find(name: string): VorpalCommand | undefined;
  commands: VorpalCommand[];
  activeCommand: VorpalInstance | undefined;
  /** The history in memory, which vorpal.history() appends to rather than replaces, and its file. */
  cmdHistory: { _hist: string[]; _storageKey?: string; _localStorage: { setItem(key: string, value: string): void } };
  ui: {
    input(text?: string): string;
    imprint(): void;
    submit(line: string): void;
    delimiter(text?: string): string;
    redraw: { (text: string): void; done(): void; clear(): void };
    refresh?(): void;
  };
}

export interface VorpalCommand {
  _name: string;
  option(flags: string, description: string): this;
  parse(fn: (line: string) => string): this;
  allowUnknownOptions(): this;
  autocomplete(values: { data: (lastWord: string) => Promise<string[]> }): this;
  action(fn: (this: VorpalInstance, args: unknown) => Promise<void>): this;
  remove(): this;
}

export interface VorpalInstance {
  prompt(question: object): Promise<Record<string, unknown>>;
}

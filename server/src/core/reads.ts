/**
 * Which directives' arguments a piece of work read: what lets the language server check a typed value again by
 * running only the rules that looked at it (see model/value-edit.ts and lintNginx's `previous`).
 *
 * While a frame is open, every read of a parsed nginx directive's `args` notes the directive's name, and every read of
 * a file's whole text (or of a line's, LineIndex.lineText) notes ANY: text can hold any directive's value, so such
 * work depends on every edit. Work that keeps what it derived from arguments for later work (the memos of oncePer and
 * the caches shared by rules) keeps what it read with it and notes it again for whoever uses the result, so a rule
 * that finds an index another rule built still depends on what the index was built from. With no frame open (the
 * CLI, every run not asked to keep track), a read costs one comparison.
 */

/** The name noted for a read of raw file text: the work depends on every edit. */
export const ANY = '\0any';

let frame: Set<string> | null = null;

/** Notes that the arguments of directives called `name` were read. */
export function noteRead(name: string): void {
  if (frame !== null) frame.add(name);
}

/** Notes again what work whose result is being reused had read (undefined: not known, so everything). */
function replayReads(reads: ReadonlySet<string> | undefined): void {
  if (frame === null) return;
  if (reads === undefined) {
    frame.add(ANY);
    return;
  }
  for (const r of reads) frame.add(r);
}

/**
 * Runs `work` in a frame of its own and returns what it read (undefined when no frame is open and `always` is not
 * set: nobody is keeping track). What the work read is also read by the frame around it.
 */
export function recordReads<T>(work: () => T, always = false): Made<T> & { reads: Set<string> | undefined } {
  const outer = frame;
  if (outer === null && !always) return { value: work(), reads: undefined };
  const mine = new Set<string>();
  frame = mine;
  try {
    return { value: work(), reads: mine };
  } finally {
    frame = outer;
    if (outer !== null) for (const r of mine) outer.add(r);
  }
}

/**
 * A file's whole text, read without noting anything: for reads an edit that keeps to one argument's characters cannot
 * change (indentation, line ends, what else is on a line besides a statement), which model/value-edit.ts makes sure of.
 */
export function rawText(file: { readonly text: string }): string {
  const outer = frame;
  frame = null;
  const text = file.text;
  frame = outer;
  return text;
}

/** A value some work made, kept with what the work read (undefined: made while nobody kept track). */
export interface Made<T> {
  value: T;
  reads: ReadonlySet<string> | undefined;
}

/**
 * The value kept in `cache` under `key`, made by `build` the first time, with what building it read: each later use
 * notes that again, so whoever uses a value another rule built depends on what it was built from. For the caches
 * rules share (per configuration, per upstream group, per name).
 */
export function keptIn<K, V>(cache: { get(key: K): Made<V> | undefined; set(key: K, made: Made<V>): unknown }, key: K, build: () => V): V {
  const made = cache.get(key);
  if (made) {
    if (frame !== null) replayReads(made.reads);
    return made.value;
  }
  const built = recordReads(build);
  cache.set(key, built);
  return built.value;
}

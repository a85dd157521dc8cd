/**
 * Everything the core needs from the outside world. The Node adapter implements it over `fs`; the
 * language server wraps it so unsaved editor buffers win over the disk; tests use an in-memory map.
 */
export type ReadResult =
  | { ok: true; text: string }
  | { ok: false; reason: 'missing' | 'unreadable' | 'directory' | 'binary' | 'too-large' | 'outside-workspace'; message: string };

export interface Host {
  /** Reads a file as text (the adapter decides the encoding and size limits). */
  readFile(path: string): ReadResult;
  /** Absolute paths matching a glob (`*`, `?`, `[...]` per path segment, as glob(3)), sorted; never throws. */
  glob(pattern: string): { paths: string[] } | { error: string; outsideWorkspace?: boolean };
  /** The file's real path with symbolic links resolved (the path itself when it cannot be resolved): include cycles through links are cycles too. */
  realpath?(path: string): string;
  /**
   * Whether the file starts with a UTF-8 byte-order mark. The adapter keeps the mark out of the text (and writes it
   * back), but httpd reads it as part of the first word and refuses to start.
   */
  startsWithBom?(path: string): boolean;
}

/** Why a file with NUL bytes in its first 8 KiB is not read (the CLI's words; the language server says the same). */
export const BINARY_FILE_MESSAGE = 'is a binary file (it contains NUL bytes), not a configuration';

/** Whether text already decoded (an editor's buffer) has a NUL in its first 8192 characters, as the CLI probes the bytes. */
export function looksBinary(text: string): boolean {
  return text.slice(0, 8192).includes('\0');
}

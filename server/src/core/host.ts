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
   * The byte-order mark the file starts with, if any. The adapter decodes by it and keeps it out of the text (and
   * writes it back), but nginx and httpd read bytes: a UTF-8 mark becomes part of the first word, and a UTF-16 file
   * is no configuration they can read at all.
   */
  byteOrderMark?(path: string): ByteOrderMark | undefined;
}

export type ByteOrderMark = 'utf8' | 'utf16le' | 'utf16be';

/** The mark a text handed over still carries (stdin decoded elsewhere, another editor): U+FEFF, in whatever encoding it came. */
export const markInText = (text: string): ByteOrderMark | undefined => (text.charCodeAt(0) === 0xfeff ? 'utf8' : undefined);

/** Why a file with NUL bytes in its first 8 KiB is not read (the CLI's words; the language server says the same). */
export const BINARY_FILE_MESSAGE = 'is a binary file (it contains NUL bytes), not a configuration';

/** Whether text already decoded (an editor's buffer) has a NUL in its first 8192 characters, as the CLI probes the bytes. */
export function looksBinary(text: string): boolean {
  return text.slice(0, 8192).includes('\0');
}

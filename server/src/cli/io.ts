import type { Host } from '../core/host';

import type { ByteOrderMark } from '../core/host';

export interface DecodedText {
  text: string;
  /** Opaque to the CLI: handed back on write so the file keeps its encoding. */
  encoding: unknown;
  /** Set when the file's bytes are not its text in UTF-8 ("Latin-1", "UTF-16LE", …): a text diff will not patch it. */
  notUtf8?: string;
  /** The byte-order mark the bytes began with, which `text` leaves out (the servers do not: utf8-bom-at-file-start, utf16-encoded-file). */
  byteOrderMark?: ByteOrderMark;
}

/** Everything the CLI needs from the process and the file system; node/cli-io.ts implements it. */
export interface CliIo {
  cwd: string;
  version: string;
  /** An environment variable ($GITHUB_WORKSPACE: see report-root.ts). */
  env(name: string): string | undefined;
  stdout(s: string): void;
  stderr(s: string): void;
  /**
   * Standard input, decoded like a file; not ok when it is empty or only white space, too large, binary or unreadable.
   * `log`: NUL bytes are text (servers write clients' bytes into their error logs as they came).
   */
  readStdin(opts?: { log?: boolean }): ({ ok: true } & DecodedText) | { ok: false; message: string; /** nothing but white space, or no bytes */ empty?: true };
  kind(p: string): 'file' | 'dir' | 'missing' | 'other';
  /** Files (and named pipes, sockets, devices) under a folder, recursively; skips VCS and dependency folders and never follows a symlink loop. */
  walk(dir: string): { files: string[]; errors: string[] };
  /** What a pattern matches: files, folders, and named pipes or devices (read() refuses those); not dangling links. */
  glob(pattern: string): string[];
  /** `log`: as for readStdin. */
  read(p: string, opts?: { log?: boolean }): ({ ok: true } & DecodedText) | { ok: false; message: string };
  write(p: string, text: string, like: DecodedText): string | undefined;
  findUp(dir: string, name: string): string | undefined;
  /** The path with symbolic links resolved (the path itself when it cannot be resolved). */
  realpath(p: string): string;
  host(overlay: (p: string) => string | undefined): Host;
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliIo } from '../cli/io';
import { createNodeHost, decode, DEFAULT_MAX_FILE_BYTES, encode, globSync, markOf, readConfigFile, type DecodedFile } from './node-host';

const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', '.venv', '__pycache__']);
const MAX_WALK_FILES = 200_000;

/** Standard output refused what was written (ENOSPC, EBADF, EIO, …): reported as such, exit code 2, no stack trace. */
export class OutputError extends Error {}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * A writer for file descriptor 1 or 2 that uses write(2) and waits until every byte is taken. Not Node's
 * process.stdout/stderr streams: sent to a pipe (a CI runner, `| jq`), those keep a copy of each string until the
 * next garbage collection (55 MB more peak memory for the 12 MB JSON report of a 100k-line tree); once the pipe is
 * full they queue, so with `2>&1` messages written before the report came out after it; and an error on them (a
 * reader gone, a full disk) is an uncaught exception that ends the process with exit code 1, the code for
 * "findings". The CLI writes its output through these two writers only.
 */
function syncWriter(fd: 1 | 2): (s: string) => void {
  /** Set once the reader has gone away (`proxylint … | head`): the rest is dropped, quietly. */
  let closed = false;
  return (s: string) => {
    if (closed || s.length === 0) return;
    // Encoded once into a buffer kept for the whole run (the report's batches, about 32K characters each, fit): writing the
    // string itself made Node encode it, and telling whether write(2) took all of it needed its UTF-8 length too, a
    // second pass over every batch (13 MB of JSON for a 100k-line tree). Longer strings get a buffer of their own.
    let bytes: Uint8Array;
    let length: number;
    if (s.length * 3 <= scratch.length) {
      length = encoder.encodeInto(s, scratch).written;
      bytes = scratch;
    } else {
      bytes = Buffer.from(s, 'utf8');
      length = bytes.length;
    }
    let done = 0;
    while (done < length) {
      try {
        done += fs.writeSync(fd, bytes, done, length - done);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          // A non-blocking descriptor whose reader is behind: wait a millisecond for it, as a blocking write would.
          Atomics.wait(pause, 0, 0, 1);
          continue;
        }
        closed = true;
        if (code === 'EPIPE') return;
        // A full disk, a bad descriptor, …: lost output is an I/O error (exit 2). For stderr there is nowhere left to
        // say so; its messages are dropped and the exit code still tells.
        if (fd === 1) throw new OutputError(`cannot write to standard output: ${(e as Error).message}`);
        return;
      }
    }
  };
}

const encoder = new TextEncoder();
/** Room for 96K UTF-16 code units at 3 UTF-8 bytes each (the most one takes: a surrogate pair is 4 bytes for two). */
const scratch = new Uint8Array(3 * 96 * 1024);

const writeStdout = syncWriter(1);
export const writeStderr = syncWriter(2);

/**
 * Standard input, read to its end with read(2) and decoded like a file (byte-order marks, UTF-16, Latin-1, binary
 * refused), but never more than the file size limit: a pipe has no size to check first.
 */
function readStdin(maxBytes: number, nulBytesAllowed = false): ReturnType<CliIo['readStdin']> {
  const chunks: Buffer[] = [];
  let total = 0;
  const chunk = Buffer.alloc(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, chunk, 0, chunk.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 1);
        continue;
      }
      if (code === 'EOF') break;
      return { ok: false, message: code === 'EISDIR' ? 'it is a folder, not a file' : (e as Error).message };
    }
    if (n === 0) break;
    total += n;
    if (total > maxBytes) return { ok: false, message: `over the ${maxBytes}-byte limit (see --max-file-size)` };
    chunks.push(Buffer.from(chunk.subarray(0, n)));
  }
  if (total === 0) return { ok: false, message: 'it is empty: there is nothing to check', empty: true };
  const d = decode(Buffer.concat(chunks, total), nulBytesAllowed);
  if ('binary' in d) return { ok: false, message: d.why.replace(/^is /, 'it is ') };
  // White space alone (`echo "$UNSET" | proxylint -`, a byte-order mark and a newline) is the same broken pipeline
  // as no bytes at all; a file of only comments is something written, and is checked.
  if (d.text.trim() === '') return { ok: false, message: 'it is only white space: there is nothing to check', empty: true };
  return { ok: true, text: d.text, encoding: { encoding: d.encoding, bom: d.bom }, byteOrderMark: markOf(d) };
}

export function createCliIo(version: string, maxFileBytes?: number): CliIo {
  return {
    cwd: process.cwd(),
    version,
    env: (name) => process.env[name],
    stdout: writeStdout,
    stderr: writeStderr,
    readStdin: (opts) => readStdin(maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, opts?.log),
    kind(p) {
      try {
        const st = fs.statSync(p);
        return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
      } catch {
        return 'missing';
      }
    },
    walk(dir) {
      const files: string[] = [];
      const errors: string[] = [];
      const visited = new Set<string>();
      const stack = [dir];
      while (stack.length && files.length < MAX_WALK_FILES) {
        const d = stack.pop()!;
        let real: string;
        try {
          real = fs.realpathSync(d);
        } catch {
          continue;
        }
        // Symlinked folders are followed once each, so a link loop cannot make the walk endless.
        if (visited.has(real)) continue;
        visited.add(real);
        let entries: fs.Dirent[];
        try {
          entries = fs.readdirSync(d, { withFileTypes: true });
        } catch (e) {
          errors.push(`cannot list ${d}: ${(e as NodeJS.ErrnoException).code}`);
          continue;
        }
        for (const e of entries.sort((a, b) => (a.name < b.name ? 1 : -1))) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) {
            if (!SKIP_DIRS.has(e.name)) stack.push(p);
          } else if (e.isSymbolicLink()) {
            try {
              const st = fs.statSync(p);
              if (st.isDirectory()) stack.push(p);
              else files.push(p);
            } catch {
              // A dangling link is not a configuration file.
            }
          } else {
            // Files, and also named pipes, sockets and devices: one with a configuration's name is read without
            // blocking, refused, and listed as skipped with the reason, rather than passed over in silence.
            files.push(p);
          }
        }
      }
      if (files.length >= MAX_WALK_FILES) errors.push(`${dir}: more than ${MAX_WALK_FILES} files; only the first were checked`);
      return { files: files.sort(), errors };
    },
    glob: (pattern) => {
      // Unlike nginx's include (glob(3), where "**" is "*"), a command-line pattern reads "**" as any depth.
      const g = globSync(pattern, undefined, { globstar: true });
      // What exists, as the shell would expand the pattern; a dangling link matches nothing, as in a folder walk,
      // and a named pipe or socket is listed as skipped there too.
      return 'paths' in g
        ? g.paths.filter((p) => {
            try {
              fs.statSync(p);
              return true;
            } catch {
              return false;
            }
          })
        : [];
    },
    read(p, opts) {
      const r = readConfigFile(p, { maxFileBytes, nulBytesAllowed: opts?.log });
      if (!r.ok) return { ok: false, message: r.message };
      const notUtf8 = r.encoding === 'latin1' ? 'Latin-1' : r.encoding === 'utf16le' ? 'UTF-16LE' : r.encoding === 'utf16be' ? 'UTF-16BE' : undefined;
      return { ok: true, text: r.text, encoding: { encoding: r.encoding, bom: r.bom }, byteOrderMark: markOf(r), ...(notUtf8 ? { notUtf8 } : {}) };
    },
    write(p, text, like) {
      const read = (like.encoding ?? { encoding: 'utf8', bom: false }) as Omit<DecodedFile, 'text'>;
      // --fix hands a UTF-8 file back with its byte-order mark in the text when it is to keep it (run.ts: the mark
      // is kept in the text while fixing, so that utf8-bom-at-file-start's fix can remove it): the text says.
      const enc = read.encoding === 'utf8' ? { ...read, bom: false } : read;
      try {
        // sites-enabled/x is usually a link to sites-available/x: write the file it points to and keep the
        // link, or --fix would replace the link with a copy that silently drifts from the original.
        p = fs.realpathSync(p);
        // Write to a sibling and rename, so an interrupted --fix never leaves half a config behind. The sibling is
        // new, so it belongs to whoever runs proxylint: it gets the file's owner and group before it takes the
        // file's place (root running --fix on www-data's config must not leave it root-owned), then its mode,
        // since chown clears set-user-ID and set-group-ID bits.
        const st = fs.statSync(p);
        const tmp = `${p}.proxylint-${process.pid}.tmp`;
        fs.writeFileSync(tmp, encode({ ...enc, text }));
        try {
          if (st.uid !== process.getuid?.() || st.gid !== process.getgid?.()) fs.chownSync(tmp, st.uid, st.gid);
        } catch (e) {
          // Not root: a user may not give a file away, so the fixed file is theirs, as any editor would leave it. The
          // group can still be kept when the user belongs to it, so a group-writable config stays writable for it.
          if ((e as NodeJS.ErrnoException).code !== 'EPERM') {
            fs.rmSync(tmp, { force: true });
            throw e;
          }
          try {
            fs.chownSync(tmp, -1, st.gid);
          } catch {
            // Not one of the user's groups either: the user's own group it is.
          }
        }
        fs.chmodSync(tmp, st.mode);
        fs.renameSync(tmp, p);
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    },
    findUp(dir, name) {
      for (let d = dir; ; d = path.dirname(d)) {
        const p = path.join(d, name);
        if (fs.existsSync(p)) return p;
        if (path.dirname(d) === d) return undefined;
      }
    },
    host: (overlay) => createNodeHost({ maxFileBytes }, overlay),
    realpath(p) {
      try {
        return fs.realpathSync(p);
      } catch {
        return p;
      }
    },
  };
}

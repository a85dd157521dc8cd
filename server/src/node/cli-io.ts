import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CliIo } from '../cli/io';
import { createNodeHost, encode, globSync, readConfigFile, type DecodedFile } from './node-host';

const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', '.venv', '__pycache__']);
const MAX_WALK_FILES = 200_000;

/** Standard output refused the report (ENOSPC, EBADF, EIO, …): reported as such, exit code 2, no stack trace. */
export class OutputError extends Error {}

/** Set once stdout's reader has gone away (`proxylint … | head`): the rest of the output is dropped, quietly. */
let stdoutClosed = false;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes to file descriptor 1 with write(2), waiting until every byte is taken. Node's process.stdout, when it is a
 * pipe (a CI runner, `| jq`), copies each string into memory of its own that stays until the next garbage
 * collection: 55 MB more peak memory for the 12 MB JSON report of a 100k-line tree. Output order is unchanged: the
 * CLI writes stdout through here only.
 */
function writeStdout(s: string): void {
  if (stdoutClosed || s.length === 0) return;
  let bytes: Buffer | undefined;
  let done = 0;
  for (;;) {
    try {
      // The string itself first: Node encodes it without a lasting copy, and a blocking pipe or file takes it whole.
      done += bytes ? fs.writeSync(1, bytes, done) : fs.writeSync(1, s);
      if (!bytes) {
        const total = Buffer.byteLength(s);
        if (done >= total) return;
        bytes = Buffer.from(s, 'utf8');
      } else if (done >= bytes.length) return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') {
        stdoutClosed = true;
        return;
      }
      // A full disk, a closed descriptor, …: the report cannot be delivered, which is not proxylint's internal error.
      if (code !== 'EAGAIN') throw new OutputError(`cannot write the report to standard output: ${(e as Error).message}`);
      // A non-blocking descriptor whose reader is behind: wait a millisecond for it, as a blocking write would.
      if (!bytes) bytes = Buffer.from(s, 'utf8');
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

export function createCliIo(version: string, maxFileBytes?: number): CliIo {
  return {
    cwd: process.cwd(),
    version,
    stdout: writeStdout,
    stderr: (s) => process.stderr.write(s),
    readStdin: () =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        process.stdin.on('data', (c: Buffer) => chunks.push(c));
        process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        process.stdin.on('error', reject);
      }),
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
          } else if (e.isFile()) files.push(p);
          else if (e.isSymbolicLink()) {
            try {
              const st = fs.statSync(p);
              if (st.isDirectory()) stack.push(p);
              else if (st.isFile()) files.push(p);
            } catch {
              // A dangling link is not a configuration file.
            }
          }
        }
      }
      if (files.length >= MAX_WALK_FILES) errors.push(`${dir}: more than ${MAX_WALK_FILES} files; only the first were checked`);
      return { files: files.sort(), errors };
    },
    glob: (pattern) => {
      const g = globSync(pattern);
      return 'paths' in g ? g.paths.filter((p) => fs.statSync(p).isFile()) : [];
    },
    read(p) {
      const r = readConfigFile(p, { maxFileBytes });
      return r.ok ? { ok: true, text: r.text, encoding: { encoding: r.encoding, bom: r.bom } } : { ok: false, message: r.message };
    },
    write(p, text, like) {
      const enc = (like.encoding ?? { encoding: 'utf8', bom: false }) as Omit<DecodedFile, 'text'>;
      try {
        // sites-enabled/x is usually a link to sites-available/x: write the file it points to and keep the
        // link, or --fix would replace the link with a copy that silently drifts from the original.
        p = fs.realpathSync(p);
        // Write to a sibling and rename, so an interrupted --fix never leaves half a config behind.
        const tmp = `${p}.proxylint-${process.pid}.tmp`;
        fs.writeFileSync(tmp, encode({ ...enc, text }));
        const mode = fs.statSync(p).mode;
        fs.chmodSync(tmp, mode);
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

import * as fs from 'node:fs';
import * as path from 'node:path';
import { BINARY_FILE_MESSAGE, type ByteOrderMark, type Host, type ReadResult } from '../core/host';
import { globSegmentMatcher } from '../core/paths';

export type Encoding = 'utf8' | 'latin1' | 'utf16le' | 'utf16be';

export interface DecodedFile {
  text: string;
  encoding: Encoding;
  /** True when the file started with a byte-order mark, which is kept out of `text` and restored on write. */
  bom: boolean;
}

/** The byte-order mark a decoded file began with (Latin-1 has none: its first bytes are text). */
export const markOf = (d: Pick<DecodedFile, 'encoding' | 'bom'>): ByteOrderMark | undefined => (d.bom && d.encoding !== 'latin1' ? d.encoding : undefined);

export interface NodeHostOptions {
  /** Files larger than this are not read (default 32 MiB); see README "Limits". */
  maxFileBytes?: number;
  /** When set, files outside these folders are not read (untrusted workspaces). */
  allowedRoots?: string[];
  /** Read a file with NUL bytes as text instead of refusing it as binary (an error log: see decode). */
  nulBytesAllowed?: boolean;
}

export const DEFAULT_MAX_FILE_BYTES = 32 * 1024 * 1024;

/**
 * Decodes config bytes. nginx and Apache read bytes, not text: a Latin-1 comment is legal. We keep UTF-8
 * when it is valid and fall back to Latin-1, which maps each byte to one character, so offsets stay
 * meaningful and a rewrite in the same encoding gives back the same bytes.
 */
export function decode(buf: Buffer, nulBytesAllowed = false): DecodedFile | { binary: true; why: string } {
  const utf16 = buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff));
  // Half a UTF-16 code unit at the end: not text we could write back byte for byte.
  if (utf16 && buf.length % 2 === 1) return { binary: true, why: 'starts with a UTF-16 byte-order mark but has an odd number of bytes: it is not UTF-16 text' };
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return { text: buf.subarray(2).toString('utf16le'), encoding: 'utf16le', bom: true };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2));
    swapped.swap16();
    return { text: swapped.toString('utf16le'), encoding: 'utf16be', bom: true };
  }
  const probe = buf.subarray(0, 8192);
  if (!nulBytesAllowed && probe.includes(0)) return { binary: true, why: BINARY_FILE_MESSAGE };
  const bom = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
  const body = bom ? buf.subarray(3) : buf;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf8', bom };
  } catch {
    // Not UTF-8: the bytes that looked like a byte-order mark are Latin-1 text like the rest (and written back as such).
    return { text: buf.toString('latin1'), encoding: 'latin1', bom: false };
  }
}

export function encode(file: DecodedFile): Buffer {
  switch (file.encoding) {
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(file.text, 'utf16le')]);
    case 'utf16be': {
      const b = Buffer.from(file.text, 'utf16le');
      b.swap16();
      return Buffer.concat([Buffer.from([0xfe, 0xff]), b]);
    }
    case 'latin1':
      return Buffer.from(file.text, 'latin1');
    default:
      return Buffer.concat([file.bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(file.text, 'utf8')]);
  }
}

export type ReadFileResult = ({ ok: true } & DecodedFile) | Extract<ReadResult, { ok: false }>;

export function readConfigFile(p: string, options: NodeHostOptions = {}): ReadFileResult {
  const max = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (options.allowedRoots && !insideRoots(options.allowedRoots, p)) {
    return { ok: false, reason: 'outside-workspace', message: 'outside the workspace (not followed in an untrusted workspace)' };
  }
  let fd: number | undefined;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever (an include of a named pipe).
    fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) return { ok: false, reason: 'directory', message: 'is a folder, not a file (include "dir/*.conf" instead)' };
    // A FIFO, socket or device (/dev/zero, /dev/stdin) has no end or blocks: not a configuration file.
    if (!st.isFile()) return { ok: false, reason: 'unreadable', message: `is not a regular file (${st.isFIFO() ? 'a named pipe' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a file'}); not read` };
    if (st.size > max) return { ok: false, reason: 'too-large', message: `is ${st.size} bytes, over the ${max}-byte limit (see --max-file-size)` };
    // Read what is there now; a file that grows while we read is cut at the size we saw (never past the limit).
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const n = fs.readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    const d = decode(buf.subarray(0, got), options.nulBytesAllowed);
    if ('binary' in d) return { ok: false, reason: 'binary', message: d.why };
    return { ok: true, ...d };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return { ok: false, reason: 'missing', message: 'no such file' };
    if (err.code === 'EISDIR') return { ok: false, reason: 'directory', message: 'is a folder, not a file' };
    // Node's message already starts with the code ("EACCES: permission denied, open '…'"): said once, not twice.
    const code = err.code ?? 'error';
    return { ok: false, reason: 'unreadable', message: err.message.startsWith(`${code}: `) ? err.message : `${code}: ${err.message}` };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * Whether `p` is inside one of the folders, both as written and after resolving symbolic links: a link inside the
 * workspace that points outside it leads outside it.
 */
export function insideRoots(roots: string[], p: string): boolean {
  const real = realOrSelf(p);
  return roots.some((r) => isInside(r, p) || isInside(realOrSelf(r), p)) && roots.some((r) => isInside(realOrSelf(r), real) || isInside(r, real));
}

export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** glob(3) as nginx calls it: per-segment wildcards, no `**`, dot-files only when the pattern starts with a dot, sorted. */
export function globSync(pattern: string, limit = 100_000, options: { globstar?: boolean } = {}): { paths: string[] } | { error: string } {
  const abs = path.resolve(pattern);
  const segs = abs.split('/').filter(Boolean);
  let current = ['/'];
  for (let k = 0; k < segs.length; k++) {
    const seg = segs[k];
    const next: string[] = [];
    if (options.globstar && seg === '**') {
      // A command-line "**" (as bash's globstar reads it): the folder itself and every folder below it, hidden ones
      // left out as "*" leaves them out, each real folder once (a link loop cannot make it endless).
      const seen = new Set<string>();
      const stack = [...current].reverse();
      while (stack.length) {
        const dir = stack.pop()!;
        let real: string;
        try {
          real = fs.realpathSync(dir);
        } catch {
          continue;
        }
        if (seen.has(real)) continue;
        seen.add(real);
        next.push(dir);
        if (next.length > limit) return { error: `more than ${limit} matches` };
        let names: string[];
        try {
          names = fs.readdirSync(dir);
        } catch {
          continue;
        }
        for (const name of names.sort().reverse()) if (!name.startsWith('.') && isDir(path.join(dir, name))) stack.push(path.join(dir, name));
      }
      // "a/**" alone names the folders; as the last segment a shell lists their files too, which a walk of each does.
    } else if (!/[*?[]/.test(seg)) {
      for (const dir of current) {
        const p = path.join(dir, seg);
        if (k === segs.length - 1 ? fs.existsSync(p) : isDir(p)) next.push(p);
      }
    } else {
      const matches = globSegmentMatcher(seg);
      for (const dir of current) {
        let names: string[];
        try {
          names = fs.readdirSync(dir);
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          if (err.code === 'ENOENT' || err.code === 'ENOTDIR') continue;
          return { error: `${err.code}: cannot list ${dir}` };
        }
        // glob(3) lists "." and ".." too, and a name starting with a dot only for a segment that starts with one
        // (written "." or escaped "\\."): "include conf.d/.*;" reaches conf.d itself, and nginx fails on it.
        const dotted = seg.startsWith('.') || seg.startsWith('\\.');
        if (dotted) names = ['.', '..', ...names];
        for (const name of names) {
          if (name.startsWith('.') && !dotted) continue;
          if (!matches(name)) continue;
          const p = path.join(dir, name);
          if (k === segs.length - 1 || isDir(p)) next.push(p);
          if (next.length > limit) return { error: `more than ${limit} matches` };
        }
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  return { paths: current.sort() };
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A Host over the real file system; `overlay` (unsaved editor buffers) wins over the disk. */
export function createNodeHost(options: NodeHostOptions = {}, overlay?: (p: string) => string | undefined): Host & { encodingOf(p: string): DecodedFile | undefined } {
  const decoded = new Map<string, DecodedFile>();
  return {
    readFile(p) {
      const over = overlay?.(p);
      if (over !== undefined) return { ok: true, text: over };
      const r = readConfigFile(p, options);
      if (!r.ok) return r;
      decoded.set(p, { text: r.text, encoding: r.encoding, bom: r.bom });
      return { ok: true, text: r.text };
    },
    glob(pattern) {
      if (options.allowedRoots) {
        // Not even the names of files outside the workspace are listed.
        const literal = pattern.split('/').findIndex((seg) => /[*?[]/.test(seg));
        const dir = literal < 0 ? path.dirname(pattern) : pattern.split('/').slice(0, literal).join('/') || '/';
        if (!insideRoots(options.allowedRoots, dir)) return { error: 'outside the workspace (not followed in an untrusted workspace)', outsideWorkspace: true };
        const g = globSync(pattern);
        return 'paths' in g ? { paths: g.paths.filter((p) => insideRoots(options.allowedRoots!, p)) } : g;
      }
      return globSync(pattern);
    },
    byteOrderMark(p) {
      const known = decoded.get(p);
      if (known) return markOf(known);
      if (options.allowedRoots && !insideRoots(options.allowedRoots, p)) return undefined;
      let fd: number | undefined;
      try {
        fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
        if (!fs.fstatSync(fd).isFile()) return undefined;
        const head = Buffer.alloc(3);
        const n = fs.readSync(fd, head, 0, 3, 0);
        if (n === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf8';
        if (n >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf16le';
        if (n >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf16be';
        return undefined;
      } catch {
        return undefined;
      } finally {
        if (fd !== undefined) fs.closeSync(fd);
      }
    },
    realpath(p) {
      try {
        // realpath(3) in one call; the JavaScript version lstat()s every segment of the path.
        return fs.realpathSync.native(p);
      } catch {
        return p;
      }
    },
    encodingOf: (p) => decoded.get(p),
  };
}

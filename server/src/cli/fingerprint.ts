/**
 * SARIF partialFingerprints in the spirit of GitHub's primaryLocationLineHash: what identifies a finding across
 * commits is its rule, its file (relative to the report root, so the same on every machine and from every working
 * directory) and the text of the line it is on, trimmed — not its line number, so it survives unrelated lines moving
 * above it, and not its message, which can hold absolute paths. Identical keys within one file (the same rule on two
 * identical lines, or twice on one line) are told apart by their order: `<hash>:1`, `<hash>:2`, … as GitHub does.
 */
export function fingerprinter(): (ruleId: string, path: string, lineText: string) => string {
  const seen = new Map<string, number>();
  return (ruleId, path, lineText) => {
    const hash = fnv1a64(`${ruleId}\0${path}\0${lineText.trim()}`);
    // The path is part of the hash, so a counter per hash is a counter per file.
    const n = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, n);
    return `${hash}:${n}`;
  };
}

const MASK = (1n << 64n) - 1n;

/**
 * 64-bit FNV-1a over the UTF-16 code units, as 16 hex digits: no node:crypto, so the core stays free of Node. The hash
 * is kept as two unsigned 32-bit halves, as lineHashes keeps its own: with BigInt every character made new BigInts,
 * and the SARIF log of the 100k-line tree (7,398 findings, about a million characters hashed) spent 40-150 ms here
 * against 16-21 ms, for the same digits (checked on 20,000 random strings of any code units).
 *
 * The prime 0x100000001b3 is 2^40 + 0x1b3, so h * prime mod 2^64 is h * 0x1b3 plus the low half shifted up by 8
 * into the high half (the high half's share of h * 2^40 is past 2^64). Every intermediate is below 2^53, exact in a
 * double; `>>> 0` takes it modulo 2^32.
 */
function fnv1a64(s: string): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < s.length; i++) {
    lo = (lo ^ s.charCodeAt(i)) >>> 0;
    const low = lo * 0x1b3;
    hi = (hi * 0x1b3 + lo * 0x100 + Math.floor(low / TWO32)) >>> 0;
    lo = low >>> 0;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/**
 * GitHub's primaryLocationLineHash of every line of `text` (index 0 is line 1), computed as github/codeql-action's
 * upload-sarif does when a log has none: a rolling polynomial hash (base 37, 64-bit) over the next 100 characters
 * from the start of each line, spaces and tabs left out, CR, LF and CR LF all read as LF, the end of the text as
 * 0xFFFF followed by zeros; a hash seen before in the file gets the next counter (`<hex>:2`). Code scanning matches
 * alerts by this fingerprint only: with it in the log, an upload through the REST API (no upload-sarif to add it)
 * tracks alerts as well. The action hashes the file as UTF-8 from disk; `text` is the decoded text, so for a file
 * in another encoding or with a byte-order mark a value may differ, and the action then keeps the log's.
 */
export function lineHashes(text: string): string[] {
  const out: string[] = [];
  const seen = new Map<string, number>();
  /** The fingerprint of the line that started `BLOCK` characters ago, whose hash (hi, lo) is now complete. */
  const emit = (hi: number, lo: number, line: number) => {
    const hex = hi ? hi.toString(16) + lo.toString(16).padStart(8, '0') : lo.toString(16);
    const n = (seen.get(hex) ?? 0) + 1;
    seen.set(hex, n);
    out[line - 1] = `${hex}:${n}`;
  };
  // Code units (at most 0xFFFF) and line numbers: typed arrays, never boxed.
  const window = new Uint16Array(BLOCK);
  // The line that starts at each window slot, or -1.
  const lineAt = new Int32Array(BLOCK).fill(-1);
  // The hash as two unsigned 32-bit halves: BigInt arithmetic was 2.4 s on a 19 MB file, this is a small part of it.
  // One loop with the state in local variables: as closures' variables (the earlier take() and update()), the halves
  // were boxed anew on every character, a few million heap numbers for the 100k-line tree's SARIF log.
  let hi = 0;
  let lo = 0;
  let index = 0;
  let line = 0;
  let lineStart = true;
  let prevCR = false;
  const n = text.length;
  // Every character, then 0xFFFF for the end of the text, then BLOCK zeros that push the last lines' windows out.
  for (let i = 0, steps = n + 1 + BLOCK; i < steps; i++) {
    let code: number;
    if (i <= n) {
      code = i < n ? text.charCodeAt(i) : 0xffff;
      // Spaces and tabs are left out; CR, LF and CR LF are all one LF.
      if (code === 32 || code === 9 || (prevCR && code === 10)) {
        prevCR = false;
        continue;
      }
      if (code === 13) {
        code = 10;
        prevCR = true;
      } else prevCR = false;
      if (lineAt[index] !== -1) {
        emit(hi, lo, lineAt[index]);
        lineAt[index] = -1;
      }
      if (lineStart) {
        lineStart = false;
        lineAt[index] = ++line;
      }
      if (code === 10) lineStart = true;
    } else {
      code = 0;
      if (lineAt[index] !== -1) {
        emit(hi, lo, lineAt[index]);
        lineAt[index] = -1;
      }
    }
    // hash = 37 * hash + code - 37^100 * (the character leaving the window), modulo 2^64. Every intermediate is an
    // integer below 2^53 in magnitude, exact in a double; `>>> 0` takes one modulo 2^32 (negative ones too).
    const leaving = window[index];
    window[index] = code;
    const l = lo * 37 + code;
    let newLo = l >>> 0;
    let newHi = hi * 37 + Math.floor(l / TWO32);
    const p = FIRST_LO * leaving;
    newLo -= p >>> 0;
    newHi -= FIRST_HI * leaving + Math.floor(p / TWO32);
    if (newLo < 0) {
      newLo += TWO32;
      newHi -= 1;
    }
    lo = newLo;
    hi = newHi >>> 0;
    if (++index === BLOCK) index = 0;
  }
  return out;
}

const BLOCK = 100;
const TWO32 = 2 ** 32;
/** 37^100 modulo 2^64, as its two 32-bit halves. */
const [FIRST_HI, FIRST_LO] = (() => {
  let f = 1n;
  for (let i = 0; i < BLOCK; i++) f = (f * 37n) & MASK;
  return [Number(f >> 32n), Number(f & 0xffffffffn)];
})();

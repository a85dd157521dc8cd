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

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

/** 64-bit FNV-1a over the UTF-16 code units, as 16 hex digits: no node:crypto, so the core stays free of Node. */
function fnv1a64(s: string): string {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) h = ((h ^ BigInt(s.charCodeAt(i))) * FNV_PRIME) & MASK;
  return h.toString(16).padStart(16, '0');
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
  const window = new Array<number>(BLOCK).fill(0);
  // The line that starts at each window slot, or -1.
  const lineAt = new Array<number>(BLOCK).fill(-1);
  // The hash as two unsigned 32-bit halves: BigInt arithmetic was 2.4 s on a 19 MB file, this is a small part of it.
  let hi = 0;
  let lo = 0;
  let index = 0;
  let line = 0;
  let lineStart = true;
  let prevCR = false;
  const emit = () => {
    const hex = hi ? hi.toString(16) + lo.toString(16).padStart(8, '0') : lo.toString(16);
    const n = (seen.get(hex) ?? 0) + 1;
    seen.set(hex, n);
    out[lineAt[index] - 1] = `${hex}:${n}`;
    lineAt[index] = -1;
  };
  // hash = 37 * hash + current - 37^100 * (the character leaving the window), modulo 2^64.
  const update = (current: number) => {
    const leaving = window[index];
    window[index] = current;
    const l = lo * 37 + current;
    let newLo = l % TWO32;
    let newHi = hi * 37 + Math.floor(l / TWO32);
    const p = FIRST_LO * leaving;
    newLo -= p % TWO32;
    newHi -= FIRST_HI * leaving + Math.floor(p / TWO32);
    if (newLo < 0) {
      newLo += TWO32;
      newHi -= 1;
    }
    lo = newLo;
    hi = newHi >>> 0 === newHi ? newHi : ((newHi % TWO32) + TWO32) % TWO32;
    index = (index + 1) % BLOCK;
  };
  const take = (code: number) => {
    if (code === 32 || code === 9 || (prevCR && code === 10)) {
      prevCR = false;
      return;
    }
    if (code === 13) {
      code = 10;
      prevCR = true;
    } else prevCR = false;
    if (lineAt[index] !== -1) emit();
    if (lineStart) {
      lineStart = false;
      lineAt[index] = ++line;
    }
    if (code === 10) lineStart = true;
    update(code);
  };
  for (let i = 0; i < text.length; i++) take(text.charCodeAt(i));
  take(0xffff);
  for (let i = 0; i < BLOCK; i++) {
    if (lineAt[index] !== -1) emit();
    update(0);
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

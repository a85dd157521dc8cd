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

import { ANY, noteRead } from './reads';

/** Zero-based line and UTF-16 character, as LSP counts them. */
export interface Position {
  line: number;
  character: number;
}

/** Maps offsets to positions; a line ends at LF, CRLF or a lone CR. */
export class LineIndex {
  // Built on first use: most files of a large configuration never need a position.
  private lazyStarts: number[] | undefined;

  constructor(private readonly text: string) {}

  private get starts(): number[] {
    if (this.lazyStarts) return this.lazyStarts;
    const text = this.text;
    const starts = [0];
    if (text.indexOf('\r') < 0) {
      // The common case, searched natively: a character loop over a 3 MB tree is most of a cold run's positioning.
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      return (this.lazyStarts = starts);
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    return (this.lazyStarts = starts);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.starts;
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - starts[lo] };
  }

  /**
   * positionAt for LSP clients, which cannot address the place between the CR and the LF of a CRLF line break: an
   * offset there is reported at the end of its line (an edit up to there keeps the line break whole).
   */
  lspPositionAt(offset: number): Position {
    const p = this.positionAt(offset);
    const o = Math.max(0, Math.min(offset, this.text.length));
    if (o > 0 && this.text.charCodeAt(o - 1) === 13 && this.text.charCodeAt(o) === 10) p.character--;
    return p;
  }

  /**
   * A character past the end of its line means the end of that line (LSP: "defaults back to the line length"), not a
   * place on the next line: a hover far right of `events {}` must not describe the `http` below it.
   */
  offsetAt(pos: Position): number {
    if (pos.line >= this.starts.length) return this.text.length;
    if (pos.line < 0) return 0;
    const start = this.starts[pos.line];
    let end = pos.line + 1 < this.starts.length ? this.starts[pos.line + 1] : this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return Math.min(start + Math.max(0, pos.character), end);
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  /** The line's text without its line break. Text, so a read of every statement (core/reads.ts). */
  lineText(line: number): string {
    noteRead(ANY);
    const start = this.lineStart(line);
    let end = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    while (end > start && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return this.text.slice(start, end);
  }
}

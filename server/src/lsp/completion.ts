import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem } from 'vscode-languageserver';
import { nginxCompletions, type Completions } from '../core/features/completion';
import type { LineIndex } from '../core/text';
import type { LintResult } from '../core/lint';
import { toRange } from './convert';
import { markdownToPlainText, snippetToPlainText } from './plaintext';

const KIND = { directive: CompletionItemKind.Property, value: CompletionItemKind.EnumMember, upstream: CompletionItemKind.Reference, snippet: CompletionItemKind.Snippet } as const;

/**
 * `results`: the configuration the document belongs to first, then any other that includes it (a snippet several
 * nginx.conf files include): names only some of them define (their upstreams) are offered too, each once.
 * `snippets`: the client takes snippet syntax (completionItem.snippetSupport); else a template is inserted as plain text.
 * `markdownDocs`: the client shows markdown documentation (completionItem.documentationFormat); else plain text.
 */
export function completionItems(results: readonly LintResult[], path: string, offset: number, snippets = true, insertReplace = false, markdownDocs = true): CompletionItem[] {
  const file = results[0]?.config.files.find((f) => f.path === path);
  if (!file) return [];
  const first = nginxCompletions(results[0].config, results[0].upstreams, path, file.text, offset);
  // A copy: the list may be one the completion code keeps (the directive names of a context).
  const items = [...first.items];
  const seen = new Set(items.map((i) => `${i.kind}\0${i.label}`));
  for (const r of results.slice(1)) {
    for (const item of nginxCompletions(r.config, r.upstreams, path, file.text, offset).items) {
      const key = `${item.kind}\0${item.label}`;
      if (!seen.has(key)) (seen.add(key), items.push(item));
    }
  }
  return toCompletionItems({ ...first, items }, file.lines, snippets, insertReplace, markdownDocs);
}

/**
 * `insertReplace`: the client takes an InsertReplaceEdit (completionItem.insertReplaceSupport): the item then says both
 * what inserting does (the word's start to the cursor) and what replacing does (the whole word), and the editor lets
 * the user choose (VS Code: editor.suggest.insertMode). Other clients get a TextEdit from the word's start to the cursor.
 */
export function toCompletionItems(c: Completions, lines: LineIndex, snippets = true, insertReplace = false, markdownDocs = true): CompletionItem[] {
  const range = toRange(lines, c.start, c.end);
  const replace = insertReplace && c.replaceEnd !== undefined ? toRange(lines, c.start, c.replaceEnd) : undefined;
  const edit = (newText: string) => (replace ? { newText, insert: range, replace } : { range, newText });
  return c.items.map((item, i) => ({
    label: item.label,
    kind: KIND[item.kind],
    detail: item.detail,
    ...(item.documentation ? { documentation: markdownDocs ? { kind: MarkupKind.Markdown, value: item.documentation } : markdownToPlainText(item.documentation) } : {}),
    // Snippets sort after directive names so typing a name is never slowed down by templates.
    sortText: `${item.kind === 'snippet' ? 1 : 0}${String(i).padStart(4, '0')}`,
    filterText: item.kind === 'snippet' ? item.label.split(' ')[0] : item.label,
    insertTextFormat: item.snippet && snippets ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    textEdit: edit(item.snippet && !snippets ? snippetToPlainText(item.insertText ?? item.label) : item.insertText ?? item.label),
  }));
}

/** Whether `offset` is inside one of a file's comments (after its `#`, up to the end of its line); they are in order. */
export function inComment(comments: readonly { start: number; end: number }[], offset: number): boolean {
  let lo = 0, hi = comments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = comments[mid];
    if (offset <= c.start) hi = mid - 1;
    else if (offset > c.end) lo = mid + 1;
    else return true;
  }
  return false;
}

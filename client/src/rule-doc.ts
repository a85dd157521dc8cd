import { env, languages, Uri, window, type Diagnostic } from 'vscode';

const SOURCE = 'proxylint';

function docOf(d: Diagnostic): { id: string; target: Uri } | undefined {
  return d.source === SOURCE && typeof d.code === 'object' && d.code.target ? { id: String(d.code.value), target: d.code.target } : undefined;
}

/**
 * `proxylint.openRuleDoc [rule id | URL]`: opens a rule's page. With no argument, the rules reported at the
 * cursor (or else anywhere in the active file) are offered. The link comes from the diagnostics
 * themselves (their `codeDescription`), so the client needs no copy of the rule list.
 */
export async function openRuleDoc(arg?: string | Uri): Promise<boolean> {
  if (arg instanceof Uri) return env.openExternal(arg);
  if (typeof arg === 'string' && /^https?:\/\//.test(arg)) return env.openExternal(Uri.parse(arg));
  if (typeof arg === 'string') {
    const hit = languages
      .getDiagnostics()
      .flatMap(([, ds]) => ds.map(docOf))
      .find((d) => d?.id === arg);
    if (hit) return env.openExternal(hit.target);
    void window.showWarningMessage(`proxylint: no finding of rule "${arg}" is open, so its page is not known here.`);
    return false;
  }
  const editor = window.activeTextEditor;
  if (!editor) return false;
  const all = languages.getDiagnostics(editor.document.uri);
  const here = all.filter((d) => d.range.contains(editor.selection.active));
  const docs = new Map<string, Uri>();
  for (const d of here.length ? here : all) {
    const doc = docOf(d);
    if (doc) docs.set(doc.id, doc.target);
  }
  if (docs.size === 0) {
    void window.showInformationMessage('proxylint: no findings in this file.');
    return false;
  }
  const id = docs.size === 1 ? [...docs.keys()][0] : await window.showQuickPick([...docs.keys()], { placeHolder: 'Open the page of which rule?' });
  return id ? env.openExternal(docs.get(id)!) : false;
}

import { CodeActionKind, type CodeAction, type CodeActionParams, type Command, type Diagnostic, type TextEdit as LspTextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Fix, Finding } from '../core/finding';
import { eolOf, selectSafeFixes } from '../core/fix';
import { ruleMeta } from '../core/rules/index';
import { statementLine } from '../core/suppress';
import type { Span } from '../core/syntax/nginx/ast';
import { LineIndex } from '../core/text';
import { pathToUri, SOURCE, toDiagnostic, toRange } from './convert';

/** What code actions need from either server's lint result (an httpd file's AST knows its `\`-continued lines). */
interface Checked {
  config: { files: { path: string; text: string; lines: LineIndex; ast?: { comments: unknown[]; continued?: Span[] } }[] };
  findings: Finding[];
}

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.proxylint`;
const FIX_ALL_TITLE = 'Fix all safe proxylint problems';

/**
 * Findings a range brings in on its own (not named by the client): a whole file selected in a file with thousands of
 * findings would otherwise answer with several actions each, a menu no one reads and a reply of megabytes.
 */
const MAX_RANGE_FINDINGS = 100;

/**
 * Where "fix all" gets its edits: every pass of fixes (the server checks the configuration again after each one, see
 * Workspace.fixAllEdits). `deferred`: the client resolves code actions (codeAction/resolve with "edit"), so the
 * passes run only when the action is chosen, not each time the editor asks which actions there are.
 */
export interface FixAllSource {
  deferred: boolean;
  edits(): FixAllEdits;
}

/** The edits of every pass together, as offsets into `before` (the texts they apply to, by path). */
export interface FixAllEdits {
  edits: Fix['edits'];
  before: Map<string, string>;
}

function fixAllEdit({ edits, before }: FixAllEdits): WorkspaceEdit {
  return toWorkspaceEdit(edits, new Map([...before].map(([p, text]) => [p, new LineIndex(text)])));
}

/** codeAction/resolve of a deferred "fix all" (its data names the document): the action with its edit. */
export function resolveFixAll(action: CodeAction, edits: FixAllEdits): CodeAction {
  return { ...action, edit: fixAllEdit(edits), data: undefined };
}

/** The document a deferred "fix all" is for, if `action` is one. */
export function fixAllUri(action: CodeAction): string | undefined {
  const data = action.data as { fixAll?: unknown } | undefined;
  return action.kind === FIX_ALL_KIND && typeof data?.fixAll === 'string' ? data.fixAll : undefined;
}

/**
 * Commands the server itself runs (workspace/executeCommand): outside VS Code the extension's own
 * `proxylint.openRuleDoc` does not exist. Named apart from it, as vscode-languageclient registers every command the
 * server lists as a VS Code command.
 */
export const OPEN_RULE_DOC_COMMAND = 'proxylint.server.openRuleDoc';
export const APPLY_EDIT_COMMAND = 'proxylint.server.applyEdit';

/**
 * The actions as Command[] for a client without codeActionLiteralSupport: an edit becomes a command that asks the
 * client to apply it (workspace/applyEdit), if it can; the others are dropped.
 */
export function asCommands(actions: CodeAction[], applyEdit: boolean): Command[] {
  return actions.flatMap((a): Command[] => {
    if (a.edit) return applyEdit ? [{ title: a.title, command: APPLY_EDIT_COMMAND, arguments: [a.edit] }] : [];
    return a.command ? [{ ...a.command, title: a.title }] : [];
  });
}

function toWorkspaceEdit(edits: Fix['edits'], lines: Map<string, LineIndex>): WorkspaceEdit {
  const changes: Record<string, LspTextEdit[]> = {};
  for (const e of edits) {
    const l = lines.get(e.path);
    if (l) (changes[pathToUri(e.path)] ??= []).push({ range: toRange(l, e.start, e.end), newText: e.newText });
  }
  return { changes };
}

/**
 * `# proxylint-disable-next-line <id> -- TODO: …` above the finding's line (above the first line of an httpd directive
 * that a `\` continues); the TODO keeps it flagged until a reason is written.
 */
function disableAction(f: Finding, result: Checked, diagnostic: Diagnostic): CodeAction | undefined {
  const file = result.config.files.find((x) => x.path === f.path);
  if (!file) return undefined;
  const line = statementLine(file, f.start);
  const start = file.lines.lineStart(line);
  const indent = /^[ \t]*/.exec(file.lines.lineText(line))![0];
  const eol = eolOf(file);
  return {
    // The title says what the edit does: the comment silences nothing until the TODO is replaced with a reason.
    title: `Add a disable comment for ${f.ruleId} (takes effect once you replace the TODO with a reason)`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: toWorkspaceEdit([{ path: f.path, start, end: start, newText: `${indent}# proxylint-disable-next-line ${f.ruleId} -- TODO: why this is safe${eol}` }], new Map([[f.path, file.lines]])),
  };
}

function positionKey(lines: LineIndex, offset: number): string {
  const p = lines.lspPositionAt(offset);
  return `${p.line}:${p.character}`;
}

/**
 * `openDocs`: the client can open the rule page the server's command asks for (window/showDocument); without it there
 * is no action for the page (VS Code has it too; its extension's own proxylint.openRuleDoc is for the command palette).
 */
export function codeActions(params: CodeActionParams, path: string, result: Checked, openDocs = true, fixAll?: FixAllSource): CodeAction[] {
  const lines = new Map(result.config.files.map((f) => [f.path, f.lines]));
  const mine = result.findings.filter((f) => f.path === path);
  const only = params.context.only;
  const actions: CodeAction[] = [];

  if (!only || only.some((k) => FIX_ALL_KIND.startsWith(k))) {
    // Whole fixes only, and never two that touch the same text (the rule --fix follows): the rest is picked up by
    // the next run. selectSafeFixes keeps this linear in the number of fixes, which matters on a file with thousands.
    const { byPath } = selectSafeFixes(mine, (p) => lines.has(p));
    const firstPass = [...byPath.values()].flat();
    // The first pass says whether there is anything to fix; the edit is what every pass together does (as --fix).
    if (firstPass.length) {
      const action: CodeAction = { title: FIX_ALL_TITLE, kind: FIX_ALL_KIND };
      if (fixAll?.deferred) action.data = { fixAll: params.textDocument.uri };
      else action.edit = fixAll ? fixAllEdit(fixAll.edits()) : toWorkspaceEdit(firstPass, lines);
      actions.push(action);
    }
  }
  if (only && !only.some((k) => CodeActionKind.QuickFix.startsWith(k) || k.startsWith(CodeActionKind.QuickFix))) return actions;

  // The findings to act on: those overlapping the requested range, and those the client names (by rule and start
  // position; a client may send thousands). LSP: the context's diagnostics only say what the client shows there, "the
  // primary parameter to compute code actions is the provided range"; VS Code sends the diagnostics under the cursor,
  // Neovim and Helix send none or only some, and their users must get the same quick fixes.
  const wanted = new Set<string>();
  for (const d of params.context.diagnostics) if (d.source === SOURCE) wanted.add(`${d.code}@${d.range.start.line}:${d.range.start.character}`);
  const here = lines.get(path);
  if (!here) return actions;
  const from = here.offsetAt(params.range.start);
  const to = here.offsetAt(params.range.end);
  let inRange = 0;
  for (const f of mine) {
    // Touching counts: a cursor at the end of a finding (after its last character) is on it, as in VS Code.
    const overlaps = f.start <= to && f.end >= from && inRange < MAX_RANGE_FINDINGS;
    if (!overlaps && (wanted.size === 0 || !wanted.has(`${f.ruleId}@${positionKey(here, f.start)}`))) continue;
    if (overlaps) inRange++;
    const full = toDiagnostic(f, (p) => lines.get(p));
    if (f.fix) actions.push({ title: f.fix.title, kind: CodeActionKind.QuickFix, diagnostics: [full], isPreferred: true, edit: toWorkspaceEdit(f.fix.edits, lines) });
    for (const s of f.suggestions) actions.push({ title: s.title, kind: CodeActionKind.QuickFix, diagnostics: [full], edit: toWorkspaceEdit(s.edits, lines) });
    const disable = disableAction(f, result, full);
    if (disable && f.ruleId !== 'internal-error') actions.push(disable);
    const meta = ruleMeta(f.ruleId);
    if (meta && openDocs) actions.push({ title: `Open the ${f.ruleId} documentation`, kind: CodeActionKind.QuickFix, diagnostics: [full], command: { title: 'Open documentation', command: OPEN_RULE_DOC_COMMAND, arguments: [f.ruleId] } });
  }
  return actions;
}

import { apacheFix, indentOf } from '../../apache-fix';
import { defineApacheRule } from '../apache-rule';

export default defineApacheRule({
  id: 'inline-comment-is-argument',
  server: 'apache',
  severity: 'warning',
  outcome: 'startup-failure',
  summary: 'A "#" after a directive is not a comment in httpd: the words are passed to the directive, which usually makes httpd refuse to start.',
  versions: 'all 2.4',
  check(ctx) {
    for (const file of ctx.config.files) {
      const visit = (dirs: typeof file.ast.directives) => {
        for (const d of dirs) {
          if (d.section) {
            if (!d.section.opaque) visit(d.section.children);
            continue;
          }
          const k = d.args.findIndex((a) => a.quote === null && a.value.startsWith('#'));
          if (k < 0) continue;
          const hash = d.args[k];
          // Remove from the blank before "#" to the end of the directive, and put the comment on its own line above.
          let cut = hash.start;
          while (cut > 0 && /[ \t]/.test(file.text[cut - 1])) cut--;
          const comment = file.text.slice(hash.start, d.end).replace(/\\\r?\n\s*/g, ' ');
          const lineStart = file.lines.lineStart(file.lines.positionAt(d.start).line);
          const eol = file.text.includes('\r\n') ? '\r\n' : '\n';
          const multiLine = file.lines.positionAt(hash.start).line !== file.lines.positionAt(d.end).line;
          ctx.report({
            at: { file, start: hash.start, end: d.end },
            message: `"${comment.length > 40 ? comment.slice(0, 40) + '…' : comment}" is not a comment: httpd starts comments only at the beginning of a line, so these words are more arguments of ${d.name}, and httpd usually refuses to start (for example "${d.name} takes one argument" or "Parameter must be in the form 'key=value'"); move the comment to its own line`,
            fix: multiLine ? undefined : apacheFix('Move the comment to its own line above', { path: file.path, start: lineStart, end: lineStart, newText: indentOf(file, d.start) + comment + eol }, { path: file.path, start: cut, end: d.end, newText: '' }),
          });
        }
      };
      visit(file.ast.directives);
    }
  },
});

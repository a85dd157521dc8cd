import { htaccessRefusal } from '../../model/apache-htaccess';
import { defineApacheRule } from '../apache-rule';

export default defineApacheRule({
  id: 'htaccess-directive-not-allowed',
  server: 'apache',
  severity: 'error',
  outcome: '500',
  summary: 'An .htaccess file holds a directive httpd allows only in the server configuration: every request under that folder gets 500.',
  versions: 'all 2.4',
  check(ctx) {
    // The model finds them (model/apache-htaccess.ts) and leaves them out of what every rule analyses.
    const first = new Map<string, number>();
    for (const n of ctx.notAllowed) {
      const refused = htaccessRefusal(n);
      const where = `${n.name} belongs in the server configuration or a <VirtualHost>${/^proxy/.test(n.lname) ? ' (from .htaccess, proxy with "RewriteRule … [P]")' : ''}`;
      const firstLine = first.get(n.file.path);
      if (firstLine === undefined) first.set(n.file.path, ctx.lineOf(n));
      ctx.report({
        node: n,
        // httpd stops reading the file at the first such line (httpd 2.4.71 logged only that one), so only it is named in the log.
        message: firstLine === undefined
          ? `httpd answers 500 Internal Server Error to every request under this folder and logs "${n.file.path}: ${refused}": ${where}`
          : `${n.name} is not allowed here either: httpd stops reading this file at the first such line (line ${firstLine}) and logs only that one; once it is moved, this line gives the same 500 with "${n.file.path}: ${refused}". ${where[0].toUpperCase()}${where.slice(1)}`,
      });
    }
  },
});

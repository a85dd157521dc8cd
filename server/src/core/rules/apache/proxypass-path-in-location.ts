import { apacheFix, insertLinesAfter, lineRange } from '../../apache-fix';
import type { Fix } from '../../finding';
import { sectionPath } from '../../model/apache-proxy';
import { defineApacheRule } from '../apache-rule';

/**
 * `<Location /app> ProxyPass /app http://backend/ </Location>`: inside <Location>, <LocationMatch>, <Proxy> and
 * <ProxyMatch> httpd takes the section's path as ProxyPass's first word, so the line may hold only the URL and its
 * parameters. apache2 -t (2.4.71) then fails with "ProxyPass|ProxyPassMatch can not have a path when defined in a
 * location." (for a regex path: "Invalid ProxyPass|ProxyPassMatch parameter …"). The model reads such a line as if
 * the path were not there, so invalid-backend-url and invalid-worker-parameter do not report the shifted words.
 */
export default defineApacheRule({
  id: 'proxypass-path-in-location',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'ProxyPass or ProxyPassMatch inside <Location> (or <Proxy>) repeats the path: there httpd takes only the backend URL, and refuses to start.',
  directives: ['ProxyPass', 'ProxyPassMatch'],
  versions: 'all 2.4',
  check(ctx) {
    for (const r of ctx.proxy.rules) {
      const m = r.misplacedPath;
      if (!m) continue;
      const { arg, section } = m;
      const file = r.node.file;
      const written = r.node.args[0];
      const own = sectionPath(section);
      const open = `<${section.name} ${section.args.map((x) => (/\s/.test(x) ? `"${x}"` : x)).join(' ')}>`;
      const isProxy = section.lname === 'proxy' || section.lname === 'proxymatch';
      let fix: Fix | undefined;
      const suggestions: Fix[] = [];
      let advice: string;
      if (isProxy) {
        // In <Proxy> the one-word form is accepted but maps nothing: the rule belongs next to the section.
        advice = `a ProxyPass with its own path belongs outside the section: move it below </${section.name}>`;
        if (section.file === file) {
          const from = lineRange(r.node);
          const text = file.text.slice(from.start, from.end).trim();
          suggestions.push(apacheFix(`Move this line below </${section.name}>`, { path: file.path, start: from.start, end: from.end, newText: '' }, insertLinesAfter(section, [text])));
        }
      } else {
        // Remove the path and the blanks after it, so the URL takes its place.
        let end = arg.end;
        while (end < file.text.length && /[ \t]/.test(file.text[end])) end++;
        const drop = { path: file.path, start: arg.start, end, newText: '' };
        if (written === own) {
          advice = `the section already gives the path: remove "${written}" from the line`;
          fix = apacheFix(`Remove "${written}" (${open} gives the path)`, drop);
        } else {
          advice = `the section's path "${own}" is what this rule maps; remove "${written}", or move the line out of the section if "${written}" is the path you meant`;
          suggestions.push(apacheFix(`Remove "${written}": the rule then maps "${own}", the section's path`, drop));
        }
      }
      ctx.report({
        at: { file, start: arg.start, end: arg.end },
        message: `httpd refuses to start: "${m.says}": inside ${open} (line ${ctx.lineOf(section)}) httpd takes the section's path for the first word of ${r.node.name}, so the line may hold only the backend URL and its parameters; ${advice}`,
        fix,
        suggestions,
      });
    }
  },
});

import { defineApacheRule } from '../apache-rule';

/** Directives and sections httpd accepts only in the server configuration or a virtual host (never in .htaccess). */
const SERVER_ONLY = new Set(
  `virtualhost directory directorymatch location locationmatch proxy proxymatch macro loadmodule loadfile listen serverroot servername serveralias
   documentroot include includeoptional errorlog customlog transferlog timeout keepalive keepalivetimeout maxkeepaliverequests
   proxypass proxypassmatch proxypassreverse proxypassreversecookiedomain proxypassreversecookiepath proxytimeout proxyrequests proxypreservehost
   proxyset balancermember proxybadheader proxyvia proxyerroroverride proxyiobuffersize proxyhcexpr proxyhctemplate requestreadtimeout
   sslengine sslproxyengine sslcertificatefile sslcertificatekeyfile alias aliasmatch scriptalias scriptaliasmatch user group pidfile
   startservers maxrequestworkers serverlimit threadsperchild`.split(/\s+/).filter(Boolean),
);

export default defineApacheRule({
  id: 'htaccess-directive-not-allowed',
  server: 'apache',
  severity: 'error',
  outcome: '500',
  summary: 'An .htaccess file holds a directive httpd allows only in the server configuration: every request under that folder gets 500.',
  versions: 'all 2.4',
  check(ctx) {
    if (!ctx.config.htaccess) return;
    for (const n of ctx.config.all) {
      if (!SERVER_ONLY.has(n.lname)) continue;
      const name = n.directive.section ? `<${n.name}` : n.name;
      ctx.report({
        node: n,
        message: `httpd answers 500 Internal Server Error to every request under this folder and logs "${n.file.path}: ${name} not allowed here": ${n.name} belongs in the server configuration or a <VirtualHost>${/^proxy/.test(n.lname) ? ' (from .htaccess, proxy with "RewriteRule … [P]")' : ''}`,
      });
    }
  },
});

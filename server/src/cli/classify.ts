import { basename, dirname } from '../core/paths';

export type Dialect = 'nginx' | 'apache' | 'unknown';

/** Names worth opening when a folder is searched; everything else (README, *.pem, *.lua, …) is skipped. */
export function isCandidateName(p: string): boolean {
  const name = basename(p);
  const dir = basename(dirname(p));
  if (name === '.htaccess') return true;
  if (/\.(conf|nginx|vhost|conf\.in|conf\.sample|conf\.default)$/i.test(name)) return true;
  if (/^(nginx|httpd|apache2?)\.conf/.test(name)) return true;
  return /^(sites-(available|enabled)|conf\.d|conf-(available|enabled)|snippets|vhosts?\.d)$/.test(dir) && !/\.(md|txt|pem|key|crt|json|ya?ml|lua|js|py|sh)$/i.test(name);
}

/** Tells nginx from Apache syntax by what only one of them writes. */
export function classify(p: string, text: string): Dialect {
  const name = basename(p);
  if (name === '.htaccess' || /^(httpd|apache2)\.conf/.test(name)) return 'apache';
  if (/^nginx\.conf/.test(name) || /\.nginx$/.test(name)) return 'nginx';
  const head = text.length > 65536 ? text.slice(0, 65536) : text;
  const apache =
    (head.match(/^\s*(<\/?(VirtualHost|Directory|Location|IfModule|Proxy|Files)\b|LoadModule\s|ProxyPass(Reverse)?\s|Rewrite(Rule|Cond)\s|DocumentRoot\s|ServerName\s|Require\s)/gim) ?? []).length +
    // httpd directive names are CamelCase and lines carry no ";" or braces (SecRule, AddType, Header, SSLProtocol, …);
    // nginx's are lower_case and end in ";". A name may start with a capitalised acronym (SSLCipherSuite,
    // LDAPTrustedMode): a file of mod_ssl lines alone was taken for nginx.
    (head.match(/^[ \t]*(<\/?[A-Z][A-Za-z]*|[A-Z]+[a-z][A-Za-z0-9]*)([ \t][^;{}\n]*)?$/gm) ?? []).length;
  const nginx = (head.match(/(^|[;{}])\s*(server|location|upstream|http|events)\b[^;]*\{|^\s*[a-z_]+\s[^\n]*;\s*(#.*)?$/gim) ?? []).length;
  if (apache === 0 && nginx === 0) {
    // Nothing either way (comments only): a folder only httpd uses decides.
    // (dirname has no trailing "/": a file right inside conf-available/ must match too.)
    return /(^|\/)(apache2?|httpd)(\/|$)|\/(mods|conf)-(available|enabled)(\/|$)/.test(dirname(p)) ? 'apache' : 'unknown';
  }
  return apache > nginx ? 'apache' : 'nginx';
}

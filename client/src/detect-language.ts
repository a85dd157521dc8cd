import { classify } from '../../server/src/cli/classify';
import { basename, dirname } from '../../server/src/core/paths';

/**
 * Language ids VS Code gives a server configuration file it has no association for: `*.conf` is "properties"
 * (the built-in ini extension), a file without extension (sites-available/000-default) "plaintext". A file in
 * any other language was associated on purpose (by the user or another extension) and is left alone.
 */
const GENERIC = new Set(['plaintext', 'properties', 'ini']);

/**
 * Folders the Debian/Ubuntu/RHEL layouts of both servers put included files in. package.json associates them
 * only below a folder named nginx/apache2/httpd (the two servers share sites-available and conf.d, so a static
 * pattern cannot tell which one it is); a copy of /etc/nginx in a project folder with another name
 * (deploy/proxy/sites-enabled/app.conf) would otherwise open as Properties, unlinted and without colours.
 */
const CONFIG_DIR = /^(sites-(available|enabled)|conf\.d|conf-(available|enabled)|snippets|vhosts?\.d|mods-(available|enabled))$/;

/**
 * The language a document that VS Code opened as plain text / Properties should have, or undefined to leave it:
 * only files in a server configuration folder (see CONFIG_DIR) or named like a main configuration file (or Debian's ports.conf), and only
 * when their content says which server (classify: what only nginx or only httpd writes). A supervisor or
 * fail2ban conf.d file (INI) says neither and stays as it is.
 */
export function detectedLanguage(path: string, languageId: string, text: string): 'nginx' | 'apacheconf' | undefined {
  if (!GENERIC.has(languageId)) return undefined;
  const name = basename(path);
  if (!CONFIG_DIR.test(basename(dirname(path))) && !/^(nginx|httpd|apache2|ports)\.conf/.test(name)) return undefined;
  if (/\.(md|txt|pem|key|crt|csr|json|ya?ml|lua|js|py|sh|bak|orig|swp|dpkg-\w+)$/i.test(name)) return undefined;
  const dialect = classify(path, text);
  return dialect === 'nginx' ? 'nginx' : dialect === 'apache' ? 'apacheconf' : undefined;
}

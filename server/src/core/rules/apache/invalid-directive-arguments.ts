import { directiveArguments, takesWords, type DirectiveArguments } from '../../model/apache-directive-arguments';
import { mayNotBeRead } from '../../model/apache-modules';
import type { ApacheNode } from '../../model/apache-tree';
import { atLeast } from '../../model/version';
import { sectionVerdict } from './directive-not-allowed-in-section';
import type { ApacheArg } from '../../syntax/apache/ast';
import { defineApacheRule } from '../apache-rule';

/** ProxyErrorOverride took status codes after On from 2.4.47; before, it was a plain On|Off flag. */
const ERROR_OVERRIDE_CODES_SINCE = '2.4.47';

const shown = (a: ApacheArg) => (a.value === '' ? 'an empty word ("")' : `"${a.value.length > 40 ? a.value.slice(0, 40) + '…' : a.value}"`);
const isOnOff = (w: string) => /^(on|off)$/i.test(w);

/** What httpd says about the line, and what is wrong with it in plain words; undefined when httpd accepts it. */
function verdict(n: ApacheNode, words: readonly ApacheArg[], entry: DirectiveArguments, oldErrorOverride: boolean): { says: string; why: string } | undefined {
  const name = entry.name;
  const form = oldErrorOverride ? ({ form: 'flag' } as const) : entry.args;
  switch (form.form) {
    case 'flag': {
      if (words.length > 0 && isOnOff(words[0].value)) return undefined;
      const why = words.length === 0 ? `${n.name} needs On or Off, and the line has no value` : `${n.name} takes On or Off (in any case), not ${shown(words[0])}${words[0].value.includes(' ') ? ': the quotes make the words one' : ''}`;
      return { says: `${name} must be On or Off`, why };
    }
    case 'switch': {
      if (words.length === 0 || words[0].value === '') return { says: `${name} requires at least one argument, ${form.help}`, why: `${n.name} needs On or Off first` };
      if (isOnOff(words[0].value)) return undefined;
      return { says: form.says, why: `the first word must be On or Off (status codes to intercept may follow On), not ${shown(words[0])}` };
    }
    case 'list': {
      if (words.length > 0 && words[0].value !== '') return undefined;
      return { says: `${name} requires at least one argument, ${form.help}`, why: words.length === 0 ? `${n.name} needs at least one value, and the line has none` : `its first word is empty ("")` };
    }
    case 'take': {
      const { min, max } = form;
      const says = `${name} ${takesWords(min, max)}, ${form.help}`;
      const takes = min === max ? `${min === 1 ? 'one word' : `${min} words`}` : `${min} to ${max} words`;
      if (words.length > max) {
        // Too few words on ProxyPassReverse are proxypass-missing-argument's; too many are only here.
        const hint = words.slice(max).some((w) => w.value === '') ? 'an empty "" counts as a word' : 'a value with spaces needs quotes around it';
        return { says, why: `${n.name} takes ${takes}, and the line has ${words.length} (${hint})` };
      }
      if (n.lname === 'proxypassreverse') return undefined;
      if (words.length < min) return { says, why: `${n.name} takes ${takes}, and the line has ${words.length === 0 ? 'none' : words.length}` };
      const empty = words.findIndex((w, k) => k < min && w.value === '');
      if (empty >= 0) return { says, why: `an empty word ("") does not count as a value, and ${n.name} needs ${takes}` };
      if (form.keywords && !form.keywords.values.includes(words[0].value.toLowerCase())) {
        return { says: form.keywords.says, why: `${shown(words[0])} is none of the values ${n.name} knows (any case is fine)` };
      }
      return undefined;
    }
  }
}

/**
 * A proxy directive, or one of its neighbours, with the wrong number or kind of words: `ProxyPreserveHost` alone,
 * `ProxyRequests maybe`, `ProxyVia` without a value, `ProxyIOBufferSize 64 KB`. httpd refuses to start and names the
 * line (apache2 -t: "ProxyPreserveHost must be On or Off", "ProxyVia takes one argument, …"). The forms are in
 * model/apache-directive-arguments.ts, each checked against the real apache2 -t by
 * test/servers/apache-directive-arguments.test.ts.
 */
export default defineApacheRule({
  id: 'invalid-directive-arguments',
  server: 'apache',
  severity: 'error',
  outcome: 'startup-failure',
  summary: 'A proxy-related directive with the wrong number or kind of arguments (ProxyPreserveHost with no value, ProxyRequests maybe, ProxyVia with two words): httpd refuses to start.',
  directives: ['ProxyPreserveHost', 'ProxyRequests', 'ProxyVia', 'ProxyBadHeader', 'ProxyErrorOverride', 'ProxyAddHeaders', 'ProxyIOBufferSize', 'RewriteEngine', 'KeepAlive', 'LimitRequestBody', 'SSLProxyEngine'],
  versions: 'all 2.4 (ProxyErrorOverride status codes: 2.4.47 and later)',
  check(ctx) {
    const oldErrorOverride = atLeast(ctx.version, ERROR_OVERRIDE_CODES_SINCE) === false;
    for (const n of ctx.config.all) {
      if (n.directive.section) continue;
      const entry = directiveArguments(n.lname);
      if (!entry || n.unresolved) continue;
      // A "#" word is inline-comment-is-argument's: it says what httpd makes of the words.
      if (n.directive.args.some((a) => a.quote === null && a.value.startsWith('#'))) continue;
      // Without the module httpd stops at the name instead (apache-module-not-loaded); a line it may not read at all
      // (inside an <IfDefine>, or an <IfModule> for a module that is not loaded) cannot stop it.
      if (entry.module !== 'core' && ctx.modules.known && !ctx.modules.isLoaded(entry.module)) continue;
      if (mayNotBeRead(n, ctx.modules)) continue;
      // In a section where the directive is not allowed httpd says that first, whatever the words
      // (`ProxyRequests maybe` in a <Location>): directive-not-allowed-in-section reports it.
      if (!ctx.config.htaccess && sectionVerdict(n)) continue;
      // The words as httpd sees them: ${VAR} of a Define, and a <Macro>'s parameters where a Use expanded it, replaced
      // by their values (n.args). httpd replaces them in the line's text and then splits it into words, so a value
      // with a space may make two words: such a line is left alone rather than guessed at.
      const raw = n.directive.args;
      const words = raw.map((a, k) => (n.args[k] === a.value ? a : { ...a, value: n.args[k] }));
      if (words.some((w, k) => w !== raw[k] && /\s/.test(w.value))) continue;
      // Once the count and form are right, the directive reads the values itself (a number's range, an option's name).
      const v = verdict(n, words, entry, n.lname === 'proxyerroroverride' && oldErrorOverride) ?? entry.value?.(words.map((w) => w.value));
      if (!v) continue;
      // httpd reads an .htaccess file on each request under its folder: the same words go to the error log
      // ("/srv/www/.htaccess: RewriteEngine must be On or Off") and the client gets 500.
      const head = ctx.config.htaccess ? 'every request under this folder gets 500, as httpd fails on this line' : 'httpd refuses to start';
      ctx.report({ node: n, message: `${head}: "${v.says}" (${v.why})` });
    }
  },
});

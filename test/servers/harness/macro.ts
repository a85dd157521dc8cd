import { lintApache } from '../../../server/src/core/lint-apache';
import { defaultSettings } from '../../../server/src/core/settings';
import { memHost } from '../../helpers';
import { apacheConfigTest, prepareApache } from './apache';

/** syntax-error's findings on a configuration the harness prepared. */
export const syntaxErrors = (setup: { confPath: string; text: string }) =>
  lintApache(setup.confPath, setup.text, memHost({ [setup.confPath]: setup.text }), { settings: defaultSettings() }).findings.filter((f) => f.ruleId === 'syntax-error');

export const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** The line apache2 -t names: "line N of <file>", or "line K of macro 'm' (defined on line D …)", line D + K of the file. */
export function httpdLine(output: string): number {
  const inBody = /Syntax error on line (\d+) of macro '[^']*' \(defined on line (\d+) of/.exec(output);
  const inFile = /Syntax error on line (\d+) of \//.exec(output);
  return inBody ? Number(inBody[1]) + Number(inBody[2]) : Number(inFile?.[1]);
}

/**
 * What is wrong with syntax-error on a configuration mod_macro refuses (none: an empty list): apache2 -t must refuse
 * it, and syntax-error report it once, quoting httpd's words, at the line httpd names (unless `line` is false).
 */
export async function refusedLikeHttpd(name: string, body: string, modules: string[], line = true): Promise<string[]> {
  const failures: string[] = [];
  const setup = await prepareApache(body, { modules });
  try {
    const t = apacheConfigTest(setup);
    const found = syntaxErrors(setup);
    if (t.ok) return [`${name}: apache2 -t accepted it`];
    if (found.length !== 1) return [`${name}: ${found.length} findings (${found.map((f) => f.message).join(' | ')}); httpd: ${t.output.trim()}`];
    const quoted = /^httpd refuses to start: "(.*?)" \(/s.exec(found[0].message)?.[1];
    if (!quoted || !t.output.includes(`: ${quoted}`)) failures.push(`${name}\n  httpd: ${t.output.trim()}\n  rule:  ${found[0].message}`);
    const got = lineAt(setup.text, found[0].start);
    if (line && got !== httpdLine(t.output)) failures.push(`${name}: reported on line ${got}, httpd names line ${httpdLine(t.output)}: ${t.output.trim()}`);
  } finally {
    setup.cleanup();
  }
  return failures;
}

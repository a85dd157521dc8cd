// directive-not-in-target-version over the shared corpus, with the target set to the nginx that checked it (1.22.1,
// MANIFEST.tsv's check_error column): no finding on a file nginx accepted, and a finding on the line nginx named
// for each file it refused over a directive the version table says is newer than 1.22.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { lintNginx } from '../../server/src/core/lint';
import { missingInVersion } from '../../server/src/core/model/nginx-directive-versions';
import { parseVersion } from '../../server/src/core/model/version';
import { defaultSettings } from '../../server/src/core/settings';
import { createNodeHost } from '../../server/src/node/node-host';
import { CORPUS, CORPUS_SKIP, manifest } from './corpus-files';

const ID = 'directive-not-in-target-version';
const REFUSED = /\[emerg\] (?:unknown directive "([a-z0-9_]+)"|"([a-z0-9_]+)" directive is not allowed here) in ([^\n]+):(\d+)$/;

test(`${ID} with the target 1.22.1 agrees with nginx 1.22.1 on the corpus`, { skip: CORPUS_SKIP }, (t) => {
  const rows = manifest().filter((r) => r.server === 'nginx' && r.templated === 'no' && r.checkContext === 'main' && (r.standaloneParses === 'yes' || REFUSED.test(r.checkError)));
  const host = createNodeHost();
  const settings = defaultSettings();
  settings.nginx.version = parseVersion('1.22.1');
  const wrong: string[] = [];
  let accepted = 0;
  let refused = 0;
  for (const row of rows) {
    const path = join(CORPUS, row.localPath);
    const read = host.readFile(path);
    assert.ok(read.ok);
    const r = lintNginx(path, read.text, host, { settings, rootContext: 'main' });
    const lineOf = (f: { path: string; start: number }) => `${f.path === path ? '' : f.path + ':'}${r.config.files.find((x) => x.path === f.path)!.lines.positionAt(f.start).line + 1}`;
    const found = r.findings.filter((f) => f.ruleId === ID).map(lineOf);
    const m = REFUSED.exec(row.checkError);
    if (!m) {
      accepted++;
      if (found.length) wrong.push(`${row.localPath}: nginx 1.22.1 accepts it, proxylint reports lines ${found.join(', ')}`);
      continue;
    }
    const name = m[1] ?? m[2];
    const node = r.config.all.find((n) => n.file.path === path && n.name === name && n.file.lines.positionAt(n.directive.start).line + 1 === Number(m[4]));
    // Only the refusals the table explains: misspellings, Plus and third-party names are other rules' business.
    const miss = node && missingInVersion(name, node.context, settings.nginx.version);
    if (!miss) continue;
    refused++;
    // A directive only NGINX Plus had before the release (sticky, least_time) is plus-only-directive's.
    const by = miss.entry.plusBefore ? r.findings.filter((f) => f.ruleId === 'plus-only-directive').map(lineOf) : found;
    if (!by.includes(m[4])) wrong.push(`${row.localPath}: nginx 1.22.1 refuses "${name}" on line ${m[4]}, proxylint reports lines [${by.join(', ')}]`);
  }
  t.diagnostic(`${accepted} files nginx accepts, ${refused} it refuses over a directive newer than 1.22.1`);
  assert.deepEqual(wrong, []);
  assert.ok(accepted >= 200 && refused >= 40, `${accepted} accepted, ${refused} refused`);
});

// npm run corpus-report: which sections a path gets. A path of Apache files (the Apache half of the corpus, say) is
// reported with the Apache table, not put through the nginx one; no path reports both halves of ../shared/corpus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildReport, targetsFrom, type Target } from '../../scripts/corpus-report';
import { CORPUS, CORPUS_SKIP } from '../corpus/corpus-files';
import { tempTree } from '../helpers';

const APACHE = {
  'sites-available/app.conf': '<VirtualHost *:80>\n    ServerName app.example.com\n    ProxyPass "/api/" "http://127.0.0.1:3000/api/" keepalive=On\n</VirtualHost>\n',
  'public/.htaccess': 'RewriteEngine On\nRewriteRule ^old/(.*)$ /new/$1 [R=301,L]\n',
};
const NGINX = {
  'nginx.conf': 'events {}\nhttp {\n    server {\n        listen 80;\n        location /api/ {\n            proxy_pass http://127.0.0.1:3000/api;\n        }\n    }\n}\n',
};

const dialects = (r: ReturnType<typeof targetsFrom>) => ('error' in r ? r.error : r.targets.map((t) => t.dialect));

test('corpus-report: a path is reported as what most of its files are; --nginx and --apache say it instead', () => {
  const apache = tempTree(APACHE);
  const nginx = tempTree(NGINX);
  const empty = tempTree({ 'README.md': '# nothing here\n' });
  try {
    assert.deepEqual(targetsFrom([], '/c'), { targets: [{ dialect: 'nginx', path: '/c/nginx', why: 'the nginx half of the corpus' }, { dialect: 'apache', path: '/c/apache', why: 'the Apache half of the corpus' }] });
    assert.deepEqual(dialects(targetsFrom([apache.dir])), ['apache']);
    assert.deepEqual(dialects(targetsFrom([nginx.dir])), ['nginx']);
    assert.deepEqual(dialects(targetsFrom([join(apache.dir, 'sites-available', 'app.conf')])), ['apache'], 'a file');
    // One of each, nginx first whatever the order given.
    assert.deepEqual(dialects(targetsFrom([apache.dir, nginx.dir])), ['nginx', 'apache']);
    assert.deepEqual(dialects(targetsFrom(['--nginx', apache.dir])), ['nginx']);
    assert.match(String(dialects(targetsFrom([apache.dir, '--apache', apache.dir]))), /two Apache paths/);
    assert.match(String(dialects(targetsFrom([empty.dir]))), /no nginx or Apache httpd configuration found .* with --nginx or --apache/);
    assert.match(String(dialects(targetsFrom([join(empty.dir, 'missing')]))), /does not exist/);
    assert.match(String(dialects(targetsFrom(['--apache']))), /--apache needs a path/);
    assert.match(String(dialects(targetsFrom(['--bogus', apache.dir]))), /unknown option --bogus/);
  } finally {
    apache.cleanup();
    nginx.cleanup();
    empty.cleanup();
  }
});

test('corpus-report: an Apache path gets the Apache table and its findings, an nginx path the nginx table', async () => {
  const apache = tempTree(APACHE);
  const nginx = tempTree(NGINX);
  try {
    const a = (await buildReport((targetsFrom([apache.dir]) as { targets: Target[] }).targets)).markdown;
    assert.ok(a.startsWith(`# Corpus report\n\n## Apache httpd\n\nTarget: \`${apache.dir}\` · files: 2 · files with findings: 1 · `), a);
    assert.match(a, /^\| `keepalive-param-is-tcp-keepalive` \| info \| 1 \| 1 \| 1 \| 100\.0% \|$/m);
    assert.match(a, /^- `[^`]*app\.conf:3` — keepalive=On only makes/m);
    assert.doesNotMatch(a, /location-proxy-pass-slash-mismatch|^Share = /m, 'no nginx table');
    assert.doesNotMatch(a, /apache2 -t accepts/, 'outside the corpus there is no record of what apache2 -t accepts');

    const n = (await buildReport((targetsFrom([nginx.dir]) as { targets: Target[] }).targets)).markdown;
    assert.ok(n.startsWith(`# Corpus report\n\nTarget: \`${nginx.dir}\` · files with findings: 1 · files considered: 1 · `), n);
    assert.match(n, /^\| `location-proxy-pass-slash-mismatch` \| warning \| 1 \| 1 \| 1 \| 100\.0% \|$/m);
    assert.doesNotMatch(n, /## Apache httpd|keepalive-param-is-tcp-keepalive/);

    const both = await buildReport((targetsFrom([apache.dir, nginx.dir]) as { targets: Target[] }).targets);
    assert.deepEqual(both.markdown.split('\n').filter((l) => /^#{1,2} |^Target/.test(l)).map((l) => l.replace(/ · .*/, '')), ['# Corpus report', `Target: \`${nginx.dir}\``, '## Samples', '## Apache httpd', `Target: \`${apache.dir}\``, '## Apache samples']);
    assert.deepEqual(both.console.filter((l) => /^#|^Target/.test(l)).map((l) => l.replace(/ · .*/, '')), ['# Corpus report', `Target: \`${nginx.dir}\``, '## Apache httpd', `Target: \`${apache.dir}\``]);
  } finally {
    apache.cleanup();
    nginx.cleanup();
  }
});

test('corpus-report: ../shared/corpus/apache as the argument gives the Apache table, with what apache2 -t accepted there', { skip: CORPUS_SKIP }, async () => {
  assert.deepEqual(dialects(targetsFrom([join(CORPUS, 'apache')])), ['apache']);
  assert.deepEqual(dialects(targetsFrom([join(CORPUS, 'nginx')])), ['nginx']);
  const { markdown } = await buildReport((targetsFrom([join(CORPUS, 'apache')]) as { targets: Target[] }).targets);
  assert.match(markdown, /^# Corpus report\n\n## Apache httpd\n\nTarget: `\.\.\/shared\/corpus\/apache` · files: \d+ · .* · syntax errors on the \d+ files apache2 -t accepts: 0\n/);
  assert.doesNotMatch(markdown, /^Share = |location-proxy-pass-slash-mismatch/m);
  assert.match(markdown, /^- `apache\/[^`]+:\d+` — /m, 'samples named inside the corpus');
});

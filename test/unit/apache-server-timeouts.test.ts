// The servers a worker serves and their timeouts (ProxyModel.serversOf, backendTimeout(w, server)), and which Listen
// ports the main server answers. What httpd does is checked on the real server in
// test/servers/apache-vhost-timeouts.test.ts; these cover the address matching and the cases it does not run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProxyModel } from '../../server/src/core/model/apache-proxy';
import { loadApacheConfig } from '../../server/src/core/model/apache-tree';
import { memHost } from '../helpers';

const model = (text: string, path = '/etc/apache2/httpd.conf') => buildProxyModel(loadApacheConfig(path, text, memHost({ [path]: text })));
const label = (s: { args: string[] } | null) => (s ? s.args.join(' ') : 'main');

test('the main server answers only Listen ports no <VirtualHost> takes (same port or any, and its IP, * or _default_)', () => {
  const cases: [string, string[] | undefined][] = [
    ['Listen 80\n<VirtualHost *:80>\n</VirtualHost>\n', []],
    ['Listen 80\nListen 8080\n<VirtualHost *:80>\n</VirtualHost>\n', ['8080']],
    ['Listen 80\n<VirtualHost 10.0.0.1:80>\n</VirtualHost>\n', ['80']],
    ['Listen 10.0.0.1:80\n<VirtualHost 10.0.0.1:80>\n</VirtualHost>\n', []],
    ['Listen 80\nListen 443\n<VirtualHost _default_:*>\n</VirtualHost>\n', []],
    ['Listen 80\n<VirtualHost *>\n</VirtualHost>\n', []],
    // A name is not resolved: the main server may answer.
    ['Listen 80\n<VirtualHost www.example.test:80>\n</VirtualHost>\n', ['80']],
    ['Listen ${PORT}\n<VirtualHost *:80>\n</VirtualHost>\n', undefined],
  ];
  for (const [text, ports] of cases) {
    const m = model(text);
    assert.deepEqual(m.mainServerPorts, ports, text);
    assert.equal(m.mainServerAnswers, ports === undefined || ports.length > 0, text);
  }
  // A fragment (a site file) does not show the Listen lines: the main server is taken to answer.
  const fragment = model('<VirtualHost *:80>\n</VirtualHost>\nProxyPass /x http://127.0.0.1:9/\n', '/etc/apache2/sites-enabled/x.conf');
  assert.equal(fragment.mainServerAnswers, true);
  assert.equal(fragment.mainServerPorts, undefined);
});

test('serversOf: a main-server worker serves every server, a virtual host\'s its own, a member the servers of the ProxyPass lines using its balancer', () => {
  const m = model(
    [
      'Listen 80',
      'Listen 81',
      'Timeout 3',
      'ProxyPass /m/ http://127.0.0.1:9001/',
      '<Proxy balancer://pool>',
      '    BalancerMember http://127.0.0.1:9002',
      '</Proxy>',
      '<VirtualHost *:80>',
      '    ServerName a.test',
      '    ServerAlias *.a.test',
      '    Timeout 8',
      '    ProxyPass /v/ http://127.0.0.1:9003/',
      '    ProxyPass /b/ balancer://pool/',
      '</VirtualHost>',
      '<VirtualHost *:82>',
      '    ProxyTimeout 5',
      '</VirtualHost>',
      '',
    ].join('\n'),
  );
  const w = (url: string) => m.workers.find((x) => x.url === url)!;
  assert.deepEqual(m.serversOf(w('http://127.0.0.1:9001/')).map(label), ['main', '*:80', '*:82']);
  assert.deepEqual(m.serversOf(w('http://127.0.0.1:9003/')).map(label), ['*:80']);
  assert.deepEqual(m.serversOf(w('http://127.0.0.1:9002')).map(label), ['*:80'], 'only a.test uses balancer://pool');
  const times = (url: string) => m.serversOf(w(url)).map((s) => `${label(s)} ${m.backendTimeout(w(url), s).ms} ${m.backendTimeout(w(url), s).origin}`);
  assert.deepEqual(times('http://127.0.0.1:9001/'), ['main 3000 Timeout', '*:80 8000 Timeout', '*:82 5000 ProxyTimeout']);
  assert.deepEqual(times('http://127.0.0.1:9002'), ['*:80 8000 Timeout'], 'the member waits the Timeout of the server that uses it, not the main server\'s');
  // Without a server, the worker's own one, as before.
  assert.equal(m.backendTimeout(w('http://127.0.0.1:9001/')).ms, 3000);
  assert.deepEqual(m.servers.map((s) => [label(s.vhost), s.names]), [['main', []], ['*:80', ['a.test', '*.a.test']], ['*:82', []]]);
});

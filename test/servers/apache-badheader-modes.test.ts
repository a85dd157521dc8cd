// The ProxyBadHeader hover once said StartBody "treats everything from the first bad line on as the body". On the real
// apache2 (2.4.71) the body starts after that line: the line without a colon is dropped. IsError (502) and Ignore
// (the bad line dropped, the response kept) are pinned alongside, with the lines each mode logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import { APX_LOG } from '../../server/src/core/docs/log-lines';
import { explainProblems } from '../evidence/explain-check';
import type { Observation } from '../evidence/scenario';
import { requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

/** What `proxylint explain` gets wrong about this error log, for a client that got `status`. */
const explainWrong = (log: string, status: string) => explainProblems({ statuses: [status], errorLog: log } as Observation, 'apache', 'server test');

/** The bad-header stand-in sends: status line, Content-Type, "This line has no colon", Content-Length, Connection, blank line, body. */
async function once(mode: string) {
  const backend = await startHttpStandin({ behaviour: 'bad-header', deadlineMs: 20_000 });
  const setup = await prepareApache(`ProxyBadHeader ${mode}\nProxyPass "/app/" "http://${backend.address}/"\n`);
  const httpd = await startApache(setup);
  try {
    const r = await request({ port: setup.port, path: '/app/x', timeoutMs: 5000 });
    await new Promise((res) => setTimeout(res, 150)); // the error log line follows the response
    return { status: String(r.status), headers: r.headers, body: r.body.toString('latin1'), log: httpd.errorLog() };
  } finally {
    await httpd.stop();
    await backend.stop();
    setup.cleanup();
  }
}

test('ProxyBadHeader IsError, Ignore and StartBody on a header line without a colon (real apache2)', async () => {
  const error = await once('IsError');
  assert.equal(error.status, '502', error.log);
  assert.match(error.log, /AH01106: bad HTTP\/1\.1 header returned by \/app\/x \(GET\)/);
  assert.deepEqual(explainWrong(error.log, error.status), []);

  const ignore = await once('Ignore');
  assert.equal(ignore.status, '200', ignore.log);
  assert.equal(ignore.headers['content-type'], 'text/plain');
  assert.equal(ignore.body, 'stand-in bad-header 200 GET /x\n');
  assert.ok(ignore.log.includes(APX_LOG.badHeaderIgnored), ignore.log);
  assert.deepEqual(explainWrong(ignore.log, ignore.status), []);

  const startBody = await once('StartBody');
  assert.equal(startBody.status, '200', startBody.log);
  assert.equal(startBody.headers['content-type'], 'text/plain', 'the lines before the bad one stay header lines');
  assert.ok(startBody.log.includes(APX_LOG.badHeaderStartBody), startBody.log);
  assert.deepEqual(explainWrong(startBody.log, startBody.status), []);
  // The body is chunked and begins with the line after the bad one; the bad line is nowhere.
  assert.match(startBody.body, /^[0-9a-f]+\r\nContent-Length: \d+\r\nConnection: close\r\n\r\nstand-in bad-header/);
  assert.doesNotMatch(startBody.body, /This line has no colon/);
});

test('the ProxyBadHeader hover says StartBody loses the bad line', () => {
  const doc = apacheDirectiveDoc('ProxyBadHeader')!;
  assert.doesNotMatch(doc.failure, /everything from the first bad line on as the body/);
  assert.match(doc.failure, /sends what \*follows\* it as the body/);
  assert.match(doc.failure, /the bad line itself was lost/);
});

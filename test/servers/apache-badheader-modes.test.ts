// The ProxyBadHeader hover once said StartBody "treats everything from the first bad line on as the body". On the real
// apache2 (2.4.71) the body starts after that line: the line without a colon is dropped. IsError (502) and Ignore
// (the bad line dropped, the response kept) are pinned alongside, with the lines each mode logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheDirectiveDoc } from '../../server/src/core/docs/directive-doc';
import { requireBinary } from '../helpers';
import { prepareApache, startApache } from './harness/apache';
import { request } from './harness/client';
import { startHttpStandin } from './standins/http';

requireBinary('apache2');

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

  const ignore = await once('Ignore');
  assert.equal(ignore.status, '200', ignore.log);
  assert.equal(ignore.headers['content-type'], 'text/plain');
  assert.equal(ignore.body, 'stand-in bad-header 200 GET /x\n');
  assert.match(ignore.log, /AH01100: Ignoring bogus HTTP header returned by \/app\/x \(GET\)/);

  const startBody = await once('StartBody');
  assert.equal(startBody.status, '200', startBody.log);
  assert.equal(startBody.headers['content-type'], 'text/plain', 'the lines before the bad one stay header lines');
  assert.match(startBody.log, /AH01098: Starting body due to bogus non-header in headers returned by \/app\/x \(GET\)/);
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

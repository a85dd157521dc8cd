// errorLogTail: where an ErrorLogFormat writes the server's name or local address after the message (%M), the end of
// its lines is read for it (checked on a real httpd in test/servers/explain-apache-oncall.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorLogTail } from '../../server/src/core/model/apache-proxy';

const DEBIAN = '[%{u}t] [%-m:%l] [pid %P:tid %T] %7F: %E: [client\\ %a] %M% ,\\ referer\\ %{Referer}i';

test('errorLogTail reads the name or address written after the message, with the optional fields around it', () => {
  const read = (format: string, line: string) => {
    const t = errorLogTail(format);
    return t ? [t.kind, t.pattern.exec(line)?.[1] ?? null] : null;
  };
  assert.deepEqual(read(`${DEBIAN} [vhost %v]`, 'AH00898: Error reading from remote server returned by /m/a [vhost one.test]'), ['name', 'one.test']);
  assert.deepEqual(read(`${DEBIAN} [vhost %v]`, 'AH00898: Error reading from remote server returned by /m/b, referer http://x/ [vhost two.test]'), ['name', 'two.test']);
  // The referer field after the name is left out when the request had none.
  assert.deepEqual(read('[%t] %M [%V]% ,\\ referer\\ %{Referer}i', 'AH01114: HTTP: failed to make connection to backend: 127.0.0.1 [a.test:8080]'), ['name', 'a.test:8080']);
  assert.deepEqual(read('[%t] %M [%V]% ,\\ referer\\ %{Referer}i', 'AH01114: HTTP: failed to make connection to backend: 127.0.0.1 [a.test], referer http://q/'), ['name', 'a.test']);
  assert.deepEqual(read('%M (local %A)', 'AH01114: HTTP: failed to make connection to backend: 127.0.0.1 (local 127.0.0.1:8443)'), ['address', '127.0.0.1:8443']);
  // Written before the message (read from the head of the line instead), or not at all: no tail.
  assert.equal(errorLogTail('[%t] [%v] %E: %M'), undefined);
  assert.equal(errorLogTail(DEBIAN), undefined);
});

// "upstream sent too large http2 frame: N": N is the length field of a frame header, compared with the 16384 bytes
// nginx's gRPC module accepts. explain says what this N is: text (a backend that answered in another protocol, "HTT"
// for HTTP/1) or not (an HTTP/2 backend's long frame, or a binary protocol).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLog } from '../../server/src/core/explain/explain';
import { explainLogLine, statusText } from '../../server/src/core/explain/log-patterns';

const LINE = (n: number, where: string) =>
  `2026/11/24 17:41:52 [error] 24795#24795: *4 upstream sent too large http2 frame: ${n} while ${where}, client: 127.0.0.1, server: , request: "POST /Svc/Call HTTP/2.0", upstream: "grpc://127.0.0.1:50051", host: "127.0.0.1:8000"`;

test('an HTTP/1 answer: 4740180 is the text "HTT"', () => {
  const e = explainLogLine(LINE(4740180, 'reading response header from upstream'))!;
  assert.equal(e.pattern.id, 'nginx-grpc-frame-too-large');
  assert.match(e.pattern.meaning, /4740180 is the text "HTT", the start of "HTTP\/1\.x": the backend answered in HTTP\/1, not HTTP\/2\.$/);
  assert.match(statusText(e.pattern), /^502 unless the response header arrived in the same read/);
});

test('another text protocol: "SSH" is 5460808', () => {
  assert.match(explainLogLine(LINE(0x535348, 'reading response header from upstream'))!.pattern.meaning, /5460808 is the text "SSH": the backend answered in some text protocol/);
});

test('a frame over 16384 bytes from an HTTP/2 backend, before and after the response header', () => {
  const before = explainLogLine(LINE(65536, 'reading response header from upstream'))!;
  assert.match(before.pattern.meaning, /65536 is not text: an HTTP\/2 backend sending a 65536-byte frame/);
  const after = explainLogLine(LINE(20000, 'reading upstream'))!;
  assert.equal(after.pattern.id, 'nginx-grpc-frame-too-large-body');
  assert.equal(after.pattern.status, 'response cut short (200 already sent)');
  // After a valid response header the backend does speak HTTP/2: the number is only the frame's length.
  assert.doesNotMatch(after.pattern.meaning, /20000/);
  assert.match(after.pattern.meaning, /the number in the line is that frame's length/);
});

// The general meaning quotes 4740180 as an example; the line's own number is the last one said.
test('lines with different numbers are separate entries (each with what its number says); the same number counts up', () => {
  const log = explainLog([LINE(32768, 'reading response header from upstream'), LINE(4740180, 'reading response header from upstream'), LINE(32768, 'reading response header from upstream')], []);
  assert.deepEqual(log.entries.map((e) => [e.count, [...e.explanation.pattern.meaning.matchAll(/(\d+) is (?:not text|the text)/g)].at(-1)?.[1]]), [[2, '32768'], [1, '4740180']]);
});

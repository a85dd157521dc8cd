import { createSocket } from 'node:dgram';
import { freePort } from '../harness/ports';
import type { Standin } from './http';

/**
 * A UDP DNS stand-in on 127.0.0.1: answers every A question with `answer` (default 127.0.0.1, TTL 5 s) and
 * AAAA with no records; with `silent` it reads questions and never answers (a resolver that times out).
 * It stops by itself after `deadlineMs`.
 */
export async function startDnsStandin(o: { answer?: string; silent?: boolean; deadlineMs?: number } = {}): Promise<Standin & { questions: string[] }> {
  const port = await freePort();
  const sock = createSocket('udp4');
  const st = { port, address: `127.0.0.1:${port}`, connections: 0, requests: [], questions: [] as string[], stop: async () => undefined as void };
  sock.on('message', (msg, rinfo) => {
    let i = 12;
    const labels: string[] = [];
    while (i < msg.length && msg[i] !== 0) {
      labels.push(msg.subarray(i + 1, i + 1 + msg[i]).toString());
      i += msg[i] + 1;
    }
    const qtype = msg.readUInt16BE(i + 1);
    st.questions.push(`${labels.join('.')} ${qtype === 1 ? 'A' : qtype === 28 ? 'AAAA' : qtype}`);
    if (o.silent) return;
    const question = msg.subarray(12, i + 5);
    const header = Buffer.from(msg.subarray(0, 12));
    header.writeUInt16BE(0x8180, 2); // response, recursion desired + available, no error
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(qtype === 1 ? 1 : 0, 6);
    header.writeUInt16BE(0, 8);
    header.writeUInt16BE(0, 10);
    const parts = [header, question];
    if (qtype === 1) {
      const rr = Buffer.alloc(16);
      rr.writeUInt16BE(0xc00c, 0);
      rr.writeUInt16BE(1, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(5, 6);
      rr.writeUInt16BE(4, 10);
      (o.answer ?? '127.0.0.1').split('.').forEach((b, k) => rr.writeUInt8(Number(b), 12 + k));
      parts.push(rr);
    }
    sock.send(Buffer.concat(parts), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(port, '127.0.0.1', () => r()));
  let stopped = false;
  const deadline = setTimeout(() => void st.stop(), o.deadlineMs ?? 30_000);
  deadline.unref();
  st.stop = async () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(deadline);
    await new Promise<void>((r) => sock.close(() => r()));
  };
  return st;
}

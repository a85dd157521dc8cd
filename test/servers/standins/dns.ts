import { createSocket } from 'node:dgram';
import { freePort } from '../harness/ports';
import type { Standin } from './http';

/**
 * A UDP DNS stand-in on 127.0.0.1: answers every A question with `answer` (default 127.0.0.1, TTL 5 s) and
 * AAAA with `aaaa` (a full eight-group IPv6 address) or no records; `answer: null` gives no A records. With
 * `silent` it reads questions and never answers (a resolver that times out); `rcode` sets the answer's response code
 * (3: NXDOMAIN, a name that does not exist). It stops by itself after `deadlineMs`.
 */
export async function startDnsStandin(o: { answer?: string | null; aaaa?: string; silent?: boolean; rcode?: number; deadlineMs?: number } = {}): Promise<Standin & { questions: string[] }> {
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
    header.writeUInt16BE(0x8180 | (o.rcode ?? 0), 2); // response, recursion desired + available, rcode (0: no error)
    header.writeUInt16BE(1, 4);
    const a = o.answer === undefined ? '127.0.0.1' : o.answer;
    const records = o.rcode ? 0 : qtype === 1 && a ? 1 : qtype === 28 && o.aaaa ? 1 : 0;
    header.writeUInt16BE(records, 6);
    header.writeUInt16BE(0, 8);
    header.writeUInt16BE(0, 10);
    const parts = [header, question];
    if (records) {
      const data = qtype === 1 ? Buffer.from(a!.split('.').map(Number)) : Buffer.from(o.aaaa!.split(':').flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
      const rr = Buffer.alloc(12 + data.length);
      rr.writeUInt16BE(0xc00c, 0);
      rr.writeUInt16BE(qtype, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(5, 6);
      rr.writeUInt16BE(data.length, 10);
      data.copy(rr, 12);
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

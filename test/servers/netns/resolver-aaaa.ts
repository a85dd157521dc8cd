// Run by nginx-resolver-aaaa.test.ts inside a private network namespace (unshare -n) whose only interface is lo:
// there is no route to 2001:db8::/32, as on a host without IPv6 connectivity, and nothing can leave the machine.
// A DNS stand-in answers A with 127.0.0.1 and AAAA with 2001:db8::1 (or only AAAA). Prints one JSON line.
import { request } from '../harness/client';
import { prepareNginx, startNginx } from '../harness/nginx';
import { startDnsStandin } from '../standins/dns';
import { startHttpStandin } from '../standins/http';

const AAAA = '2001:0db8:0000:0000:0000:0000:0000:0001';

(async () => {
  const app = await startHttpStandin({ behaviour: 'ok', deadlineMs: 20_000 });
  const both = await startDnsStandin({ aaaa: AAAA, deadlineMs: 20_000 });
  const v6only = await startDnsStandin({ answer: null, aaaa: AAAA, deadlineMs: 20_000 });
  // A variable in proxy_pass makes nginx resolve the name per request through `resolver`.
  const loc = (path: string, dns: string, extra = '') =>
    `        location ${path} {\n            resolver ${dns}${extra};\n            set $backend app.test;\n            proxy_pass http://$backend:${app.port};\n        }\n`;
  const setup = await prepareNginx(
    `http {\n    server {\n        listen 127.0.0.1:8000;\n${loc('/both/', both.address)}${loc('/v6only/', v6only.address)}${loc('/ipv6off/', both.address, ' ipv6=off')}    }\n}\n`,
  );
  const nginx = await startNginx(setup);
  const out: Record<string, unknown> = { port: app.port };
  try {
    const statuses: Record<string, unknown[]> = { both: [], v6only: [], ipv6off: [] };
    // nginx starts each request at a random one of the resolved addresses: ask /both/ until the IPv6 peer was tried
    // (each request has an even chance; 20 tries all missing it would take 1 in a million).
    for (let i = 0; i < 20 && !/Network is unreachable/.test(nginx.errorLog()); i++) statuses.both.push((await request({ port: setup.port, path: '/both/', timeoutMs: 5000 })).status);
    for (const k of ['v6only', 'ipv6off']) for (let i = 0; i < 2; i++) statuses[k].push((await request({ port: setup.port, path: `/${k}/`, timeoutMs: 5000 })).status);
    out.statuses = statuses;
    out.questions = { both: both.questions, v6only: v6only.questions };
    out.appRequests = app.requests.map((r) => r.path);
    await new Promise((r) => setTimeout(r, 200));
    out.errorLog = nginx.errorLog();
  } finally {
    await Promise.all([nginx.stop(), app.stop(), both.stop(), v6only.stop()]);
    setup.cleanup();
  }
  process.stdout.write(JSON.stringify(out) + '\n');
})();

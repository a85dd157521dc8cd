import { defineScenario } from '../../scenario';

export default [
  defineScenario({
    rule: 'proxy-timeout-too-low',
    server: 'apache',
    variant: 'mod_proxy_http',
    claim: {
      status: 502,
      log: /\(70007\)The timeout specified has expired: (\[client [^\]]+\] )?AH01102: error reading status line from remote server 127\.0\.0\.1:\d+[\s\S]*AH00898: Error reading from remote server returned by \/report\//,
      doc: ['502', '(70007)The timeout specified has expired: [client', 'AH01102: error reading status line from remote server', 'AH00898: Error reading from remote server returned by /report'],
    },
    config: { fromDoc: { replace: [['127.0.0.1:8080', '{{slow}}']] } },
    standins: { slow: { kind: 'http', behaviour: 'ok', delayMs: 3000 } },
    request: { path: '/report/q1' },
    // The suggestion raises the doc's ProxyTimeout 2 to 60: the same request then gets its answer.
    fix: { use: 'suggestion', title: /^Set ProxyTimeout 60$/ },
  }),
  // The same ProxyTimeout in front of a FastCGI backend: mod_proxy_fcgi answers 504 (the doc's outcome line).
  defineScenario({
    rule: 'proxy-timeout-too-low',
    server: 'apache',
    variant: 'mod_proxy_fcgi',
    claim: { status: 504, log: /\(70007\)The timeout specified has expired: (\[client [^\]]+\] )?AH01075: Error dispatching request to/, doc: ['504', 'mod_proxy_fcgi'] },
    config: 'ProxyTimeout 2\nProxyPass "/report/" "fcgi://{{php}}/srv/report/"\n',
    standins: { php: { kind: 'fastcgi', delayMs: 3000 } },
    request: { path: '/report/q1' },
    noFixHere: 'the mod_proxy_http variant',
  }),
];

import { defineScenario } from '../../scenario';

// No stand-in: the backend is httpd itself (the harness moves the URL's port with the Listen line it names).
export default [
  defineScenario({
    rule: 'backend-is-own-listener-wrong-scheme',
    server: 'apache',
    variant: 'https:// to its own HTTP port',
    claim: { status: 500, log: 'AH00898: Error during SSL Handshake with remote server' },
    config: { fromDoc: { replace: [['ProxyPass "/app/"', 'SSLProxyEngine on\n    ProxyPass "/app/"']] } },
    request: { path: '/app/' },
    fix: false,
  }),
  defineScenario({
    rule: 'backend-is-own-listener-wrong-scheme',
    server: 'apache',
    variant: 'fcgi:// to its own HTTP port, with mod_reqtimeout',
    scaled: true,
    note: "mod_reqtimeout's 20 s header timeout runs as 2 s",
    claim: { status: 503, log: 'AH01067: Failed to read FastCGI header' },
    config: { fromDoc: { index: 1, prepend: 'RequestReadTimeout header=2\n' } },
    modules: ['mpm_event', 'authz_core', 'proxy', 'proxy_fcgi', 'reqtimeout'],
    request: { path: '/php/index.php', timeoutMs: 15_000 },
    fix: false,
  }),
  defineScenario({
    rule: 'backend-is-own-listener-wrong-scheme',
    server: 'apache',
    variant: 'fcgi:// to its own HTTP port, without mod_reqtimeout',
    scaled: true,
    // Both sides wait Timeout by default and either may give up first: the proxy is made the first here.
    note: 'the proxy side gives up first: ProxyTimeout 2 s against the listener\'s Timeout 5 s (both 60 s by default)',
    claim: { status: 504, log: /\(70007\)The timeout specified has expired: .*AH01075: Error dispatching request to .*\(polling\)/, doc: ['504', 'AH01075: Error dispatching request to', '(polling)'] },
    config: { fromDoc: { index: 1, prepend: 'Timeout 5\nProxyTimeout 2\n' } },
    modules: ['mpm_event', 'authz_core', 'proxy', 'proxy_fcgi'],
    request: { path: '/php/index.php', timeoutMs: 15_000 },
    fix: false,
  }),
];

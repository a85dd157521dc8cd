import { PYTHON } from '../harness/syslog';
import { startProcess, type Proc } from '../harness/proc';

/**
 * Python's standard-library HTTP server (what Django's and Flask's development servers build on) on 127.0.0.1:`port`,
 * answering 200 "ok\n" to any GET; with `tls`, each accepted connection is wrapped by Python's ssl module, which resets
 * one whose first bytes are no TLS handshake. Its own reading of a request (a line up to its end) is what the tests
 * using it are about, so it is the real module, not a stand-in written in Node. It exits by itself after 60 s.
 */
export function startPythonHttpServer(port: number, tls?: { certPath: string; keyPath: string }): Proc {
  const wrap = tls
    ? `import ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(${JSON.stringify(tls.certPath)}, ${JSON.stringify(tls.keyPath)})
s.socket = ctx.wrap_socket(s.socket, server_side=True, do_handshake_on_connect=True)
`
    : '';
  return startProcess(PYTHON, ['-c', `import http.server, threading
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.send_header('Content-Length', '3'); self.end_headers(); self.wfile.write(b'ok\\n')
s = http.server.ThreadingHTTPServer(('127.0.0.1', ${Number(port)}), H)
${wrap}threading.Timer(60, s.shutdown).start()
s.serve_forever()
`]);
}

/**
 * Error logs copied out of containers come wrapped: docker's json-file driver writes each line as a JSON object,
 * the container runtime under Kubernetes (CRI) prefixes a time, the stream and a tag, `docker compose logs` the
 * service name, and `docker logs -t` / `kubectl logs --timestamps` a time. explain reads the nginx or httpd line inside.
 */
export interface UnwrappedLine {
  text: string;
  /** The service or pod the line came from (`docker compose logs`, `kubectl logs --prefix`): httpd's pid:tid are only unique within one. */
  source?: string;
}

// An RFC 3339 time as docker and the CRI write it: 2026-11-22T13:40:01.123456789Z or …+01:00.
const RFC3339 = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)`;
// The tag is F for a whole line, P for a part of a longer one.
const CRI = new RegExp(`^${RFC3339} (stdout|stderr) ([A-Z](?::[A-Z]+)*) ?(.*)$`);
const TIME_PREFIX = new RegExp(`^${RFC3339} (.*)$`);
// `docker compose logs` pads the service name (web-1, or web_1 from compose v1) before the bar.
const COMPOSE = /^([A-Za-z0-9][\w.-]*)\s*\| ?(.*)$/;
const KUBECTL_PREFIX = /^\[(pod\/[^\]\s]+)\] (.*)$/;
// What is left must start like a log line (nginx's date, httpd's "[", another wrapper), so that a message that
// happens to hold a "|" is not cut.
const LOOKS_LIKE_LOG = new RegExp(`^(?:\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d |\\[|\\{|${RFC3339} )`);
// Colours of `docker compose logs` in a terminal, kept when the output is copied.
const SGR = /\x1b\[[\d;]*m/g;

/**
 * The log line inside each wrapped line, one for one (explain accounts for every line given). docker and the CRI
 * split a line over 16 KiB into parts (a JSON "log" without its "\n", the tag P), but nginx cuts its error-log lines
 * at 2 KiB and httpd at 8 KiB, so parts are not joined: each is read as a line of its own.
 */
export function unwrapLogLines(lines: readonly string[]): UnwrappedLine[] {
  return lines.map(unwrapOne);
}

function unwrapOne(raw: string): UnwrappedLine {
  let text = raw.includes('\x1b[') ? raw.replace(SGR, '') : raw;
  let source: string | undefined;
  const done = (line: string): UnwrappedLine => (source ? { text: line, source } : { text: line });
  // A few rounds: `docker compose logs -t` is a service name, then a time, then the line.
  for (let round = 0; round < 4; round++) {
    const trimmed = text.trimStart();
    if (trimmed.startsWith('{')) {
      const log = fromJson(trimmed);
      if (log !== undefined) return done(log);
    }
    const cri = CRI.exec(trimmed);
    if (cri) return done(cri[3]);
    const m = KUBECTL_PREFIX.exec(trimmed) ?? COMPOSE.exec(trimmed) ?? TIME_PREFIX.exec(trimmed);
    const rest = m ? m[m.length - 1] : undefined;
    if (!m || rest === undefined || !LOOKS_LIKE_LOG.test(rest)) break;
    if (m.length === 3) source = source ? `${source}/${m[1]}` : m[1];
    text = rest;
  }
  return done(text);
}

/** docker's json-file line: {"log":"…\n","stream":"stderr","time":"…"}. Anything else, or JSON that does not parse, is not one. */
function fromJson(line: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || typeof (value as { log?: unknown }).log !== 'string') return undefined;
  return (value as { log: string }).log.replace(/\r?\n$/, '');
}

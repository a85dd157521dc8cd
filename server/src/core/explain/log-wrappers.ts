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

/** The log line inside each wrapped line, in order; lines that are not wrapped come back as they are. */
export function unwrapLogLines(lines: readonly string[]): UnwrappedLine[] {
  const out: UnwrappedLine[] = [];
  // Both docker and the CRI split lines over 16 KiB into parts: a JSON "log" without its "\n", or the tag P. The
  // parts of one stream are joined until its last part arrives.
  const partial = new Map<string, string>();
  for (const raw of lines) {
    const one = unwrapOne(raw);
    if (one.stream === undefined) {
      out.push({ text: one.text, ...(one.source ? { source: one.source } : {}) });
      continue;
    }
    const key = `${one.source ?? ''}\0${one.stream}`;
    const text = (partial.get(key) ?? '') + one.text;
    if (one.partial) partial.set(key, text);
    else {
      partial.delete(key);
      out.push({ text, ...(one.source ? { source: one.source } : {}) });
    }
  }
  // A log cut off in the middle of a long line: what there is of it is still worth reading.
  for (const [key, text] of partial) {
    const source = key.slice(0, key.indexOf('\0'));
    out.push({ text, ...(source ? { source } : {}) });
  }
  return out;
}

interface Unwrapped {
  text: string;
  source?: string;
  /** Set for the formats that split long lines (docker json-file, CRI). */
  stream?: string;
  partial?: boolean;
}

function unwrapOne(raw: string): Unwrapped {
  let text = raw.includes('\x1b[') ? raw.replace(SGR, '') : raw;
  let source: string | undefined;
  // A few rounds: `docker compose logs -t` is a service name, then a time, then the line.
  for (let round = 0; round < 4; round++) {
    const trimmed = text.trimStart();
    if (trimmed.startsWith('{')) {
      const json = fromJson(trimmed);
      if (json) return { ...json, source };
    }
    const cri = CRI.exec(trimmed);
    if (cri) {
      return { text: cri[3], source, stream: cri[1], partial: cri[2].split(':')[0] === 'P' };
    }
    const m = KUBECTL_PREFIX.exec(trimmed) ?? COMPOSE.exec(trimmed) ?? TIME_PREFIX.exec(trimmed);
    const rest = m ? m[m.length - 1] : undefined;
    if (!m || rest === undefined || !LOOKS_LIKE_LOG.test(rest)) break;
    if (m.length === 3) source = source ? `${source}/${m[1]}` : m[1];
    text = rest;
  }
  return { text, source };
}

/** docker's json-file line: {"log":"…\n","stream":"stderr","time":"…"}. Anything else, or JSON that does not parse, is not one. */
function fromJson(line: string): Unwrapped | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || typeof (value as { log?: unknown }).log !== 'string') return undefined;
  const { log, stream } = value as { log: string; stream?: unknown };
  const ended = log.endsWith('\n');
  return { text: ended ? log.replace(/\r?\n$/, '') : log, stream: typeof stream === 'string' ? stream : 'log', partial: !ended };
}

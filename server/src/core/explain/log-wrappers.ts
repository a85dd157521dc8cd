/**
 * Error logs copied out of containers come wrapped: docker's json-file driver writes each line as a JSON object,
 * the container runtime under Kubernetes (CRI) prefixes a time, the stream and a tag, `docker compose logs` the
 * service name, and `docker logs -t` / `kubectl logs --timestamps` a time. Logs sent to syslog (nginx's `error_log
 * syslog:…`, httpd's `ErrorLog syslog:…`) come with a syslog header: in the datagram itself, in the files rsyslog
 * writes, and in what journalctl prints. explain reads the nginx or httpd line inside.
 */
export interface UnwrappedLine {
  text: string;
  /** The service, pod or host the line came from (`docker compose logs`, `kubectl logs --prefix`, syslog): httpd's pid:tid and nginx's connection numbers are only unique within one. */
  source?: string;
  /** The syslog header's time, in milliseconds (only differences are meaningful): httpd leaves its own time out of what it sends to syslog. */
  time?: number;
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
// httpd's start-up lines, which journald records from apachectl when `systemctl reload apache2` fails, start with
// "AH00526: Syntax error on line …" or "apache2: Syntax error on line …".
const LOOKS_LIKE_LOG = new RegExp(`^(?:\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d |\\[|\\{|${RFC3339} |(?:AH\\d{5}: |[\\w.-]+: )?Syntax error on line \\d+ of )`);
/** httpd's start-up line that leaves the reason to the next line ("AH00526: Syntax error on line 14 of /x/app.conf:"). */
export const HTTPD_STARTUP_HEAD = /Syntax error on line \d+ of .+:\s*$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// RFC 3164's time, "Nov 22 13:40:01" ("Nov  2" before the 10th), with the fraction journalctl -o short-precise adds.
const BSD_TIME = String.raw`(?:${MONTHS.join('|')}) [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)?`;
// rsyslog's RSYSLOG_FileFormat (2026-11-22T13:40:01.123456+00:00) and journalctl -o short-iso (…+0000).
const ISO_TIME = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)`;
// The tag: the program's name ("nginx", "apache2"), with its pid in brackets from libc's syslog() and journalctl.
const TAG = String.raw`[^\s:\[\]]+(?:\[\d+\])?`;
// A datagram as it reaches the syslog socket: nginx 1.22.1 writes "<187>Nov 22 13:40:01 host nginx: " (the host is
// empty in the lines it logs while it starts), httpd 2.4.71 through libc's syslog() "<187>Nov 22 13:40:01 apache2[4637]: ".
const DATAGRAM = new RegExp(`^<\\d{1,3}>(${BSD_TIME}) (?:(\\S*) )?${TAG}: (.*)$`);
// A line of a syslog file or of journalctl: time, host, tag. rsyslog writes "2026-11-22T13:40:01.123456+00:00 host
// nginx: " (RSYSLOG_FileFormat) or "Nov 22 13:40:01 host nginx: " (RSYSLOG_TraditionalFileFormat), as its reserved
// templates say (https://www.rsyslog.com/doc/reference/templates/templates-reserved-names.html; no rsyslog ran here);
// journalctl "Nov 22 13:40:01 host nginx[1234]: " (systemd 252, seen).
const SYSLOG_FILE = new RegExp(`^(${BSD_TIME}|${ISO_TIME}) (\\S+) ${TAG}: (.*)$`);
const HOST_TAG = new RegExp(`^\\S+ ${TAG}: (.*)$`);
// Colours of `docker compose logs` in a terminal, kept when the output is copied.
const SGR = /\x1b\[[\d;]*m/g;

/**
 * The log line inside each wrapped line, one for one (explain accounts for every line given). docker and the CRI
 * split a line over 16 KiB into parts (a JSON "log" without its "\n", the tag P), but nginx cuts its error-log lines
 * at 2 KiB and httpd at 8 KiB, so parts are not joined: each is read as a line of its own.
 */
export function unwrapLogLines(lines: readonly string[]): UnwrappedLine[] {
  const out = lines.map((l) => unwrapOne(l));
  // The reason httpd prints after "Syntax error on line N of FILE:" starts like no log line ("Invalid command …"):
  // after such a line read inside a wrapper, it is read inside the same kind of wrapper.
  for (let i = 1; i < out.length; i++) {
    if (out[i - 1].text !== lines[i - 1] && HTTPD_STARTUP_HEAD.test(out[i - 1].text) && out[i].text === lines[i]) out[i] = unwrapOne(lines[i], true);
  }
  return out;
}

/** `anyMessage`: the first wrapper found is taken off whatever the line inside looks like. */
function unwrapOne(raw: string, anyMessage = false): UnwrappedLine {
  let text = raw.includes('\x1b[') ? raw.replace(SGR, '') : raw;
  let source: string | undefined;
  let time: number | undefined;
  const done = (line: string): UnwrappedLine => ({ text: line, ...(source ? { source } : {}), ...(time !== undefined ? { time } : {}) });
  // A few rounds: `docker compose logs -t` is a service name, then a time, then the line.
  let lenient = anyMessage;
  const looksLikeLog = (line: string) => lenient || LOOKS_LIKE_LOG.test(line);
  for (let round = 0; round < 4; round++) {
    const trimmed = text.trimStart();
    if (trimmed.startsWith('{')) {
      const log = fromJson(trimmed);
      if (log !== undefined) return done(log);
    }
    const cri = CRI.exec(trimmed);
    if (cri) return done(cri[3]);
    const syslog = DATAGRAM.exec(trimmed) ?? SYSLOG_FILE.exec(trimmed);
    // journald reads "<PRI>time tag: …" as libc sends it: nginx's host before its tag is taken for the message,
    // and journalctl prints "Nov 22 13:40:01 host nginx[1234]: host nginx: 2026/11/22 …" (systemd 252).
    const message = syslog ? (looksLikeLog(syslog[3]) ? syslog[3] : HOST_TAG.exec(syslog[3])?.[1]) : undefined;
    if (syslog && message !== undefined && looksLikeLog(message)) {
      lenient = false;
      time = syslogTime(syslog[1]);
      if (syslog[2]) source = source ? `${source}/${syslog[2]}` : syslog[2];
      text = message;
      continue;
    }
    const m = KUBECTL_PREFIX.exec(trimmed) ?? COMPOSE.exec(trimmed) ?? TIME_PREFIX.exec(trimmed);
    const rest = m ? m[m.length - 1] : undefined;
    if (!m || rest === undefined || !looksLikeLog(rest)) break;
    lenient = false;
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

/** The time of a syslog header in milliseconds; a time without a year (RFC 3164) is put in the year 2000. */
function syslogTime(t: string): number | undefined {
  const bsd = /^(\w{3}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)(\.\d+)?$/.exec(t);
  if (bsd) return Date.UTC(2000, MONTHS.indexOf(bsd[1]), +bsd[2], +bsd[3], +bsd[4], +bsd[5]) + (bsd[6] ? Number(bsd[6]) * 1000 : 0);
  const iso = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|([+-])(\d\d):?(\d\d))$/.exec(t);
  if (!iso) return undefined;
  const offset = iso[9] ? (iso[9] === '-' ? 1 : -1) * (+iso[10] * 60 + +iso[11]) * 60_000 : 0;
  return Date.UTC(+iso[1], +iso[2] - 1, +iso[3], +iso[4], +iso[5], +iso[6]) + (iso[7] ? Number(iso[7]) * 1000 : 0) + offset;
}

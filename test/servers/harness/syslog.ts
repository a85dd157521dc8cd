import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './nginx';
import { startProcess, waitFor, type Proc } from './proc';

/** Python 3's path (Debian's own first): Node has no UNIX datagram sockets, so a small Python script receives syslog. */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
export const JOURNALD = '/lib/systemd/systemd-journald';

// Binds the socket (writable for the servers' worker users), then prints each datagram as a JSON string, one a line.
const RECEIVER = `
import json, os, socket, sys
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
while True:
    data = s.recv(65536)
    sys.stdout.write(json.dumps(data.decode('latin-1')) + '\\n')
    sys.stdout.flush()
`;

export interface SyslogReceiver {
  /** The UNIX datagram socket to send to. */
  path: string;
  /** The datagrams received so far, as sent. */
  datagrams(): string[];
  stop(): Promise<void>;
}

/** A syslog server that only records: a UNIX datagram socket in its own temp folder. */
export async function startSyslogReceiver(): Promise<SyslogReceiver> {
  const dir = tempDir('proxylint-syslog-');
  const path = join(dir, 'log.sock');
  const proc = startProcess(PYTHON, ['-c', RECEIVER, path]);
  if (!(await waitFor(() => existsSync(path) || proc.exited(), 5000)) || proc.exited()) {
    await proc.stop();
    throw new Error(`the syslog receiver did not start: ${proc.output()}`);
  }
  const datagrams = () =>
    proc
      .output()
      .split('\n')
      .filter((l) => l.startsWith('"'))
      .map((l) => JSON.parse(l) as string);
  return { path, datagrams, stop: () => proc.stop() };
}

/**
 * Runs `argv` in a private mount namespace whose /dev has a `log` that is `socketPath`: libc's syslog() (httpd's
 * `ErrorLog syslog:…`) writes to /dev/log, which this machine does not have and which must not be created on it.
 * The new /dev is a temp folder with the device files a server needs bound in, and its own /dev/shm. `unshare` and
 * `sh` exec into the server, so the pid the harness holds is the server's. Returns the argv and the folder to remove.
 */
export function withDevLog(socketPath: string, argv: string[]): { argv: string[]; dir: string } {
  const dir = tempDir('proxylint-dev-');
  const devices = ['null', 'zero', 'full', 'random', 'urandom'];
  for (const d of devices) writeFileSync(join(dir, d), '');
  mkdirSync(join(dir, 'shm'));
  for (const [name, target] of [['fd', '/proc/self/fd'], ['stdin', '/proc/self/fd/0'], ['stdout', '/proc/self/fd/1'], ['stderr', '/proc/self/fd/2'], ['log', socketPath]]) symlinkSync(target, join(dir, name));
  const script = `for d in ${devices.join(' ')}; do mount --bind "/dev/$d" "$0/$d" || exit 1; done; mount -t tmpfs tmpfs "$0/shm" && mount --rbind "$0" /dev && exec "$@"`;
  return { argv: ['unshare', '-m', 'sh', '-c', script, dir, ...argv], dir };
}

export interface Journald {
  /** journald's syslog socket (what /dev/log is on a systemd machine). */
  devLog: string;
  /** What `journalctl` prints for this journal, with its default output format (`-o short`). */
  lines(): string[];
  stop(): Promise<void>;
  cleanup(): void;
}

/**
 * The machine's systemd-journald, alone in a private mount namespace: its sockets (/run/systemd/journal) and its
 * journal (/run/log/journal) are folders of a temp folder, and its configuration keeps it from reading the kernel's
 * messages or forwarding anything. `journalctl -D` reads the journal it writes.
 */
export async function startJournald(): Promise<Journald & { proc: Proc }> {
  const dir = tempDir('proxylint-journald-');
  for (const d of ['sock', 'journal']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'journald.conf'), '[Journal]\nStorage=volatile\nReadKMsg=no\nForwardToSyslog=no\nForwardToKMsg=no\nForwardToConsole=no\nForwardToWall=no\nRateLimitBurst=0\n');
  const script = 'mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/journal /run/log/journal && mount --bind "$0/sock" /run/systemd/journal && mount --bind "$0/journal" /run/log/journal && mount --bind "$0/journald.conf" /etc/systemd/journald.conf && exec "$@"';
  const proc = startProcess('unshare', ['-m', 'sh', '-c', script, dir, JOURNALD]);
  const devLog = join(dir, 'sock', 'dev-log');
  if (!(await waitFor(() => existsSync(devLog) || proc.exited(), 5000)) || proc.exited()) {
    await proc.stop();
    throw new Error(`systemd-journald did not start: ${proc.output()}`);
  }
  const lines = () => {
    const r = spawnSync('journalctl', ['-D', join(dir, 'journal'), '--no-pager'], { encoding: 'utf8', timeout: 10_000 });
    return (r.stdout ?? '').split('\n').filter((l) => l !== '');
  };
  return { proc, devLog, lines, stop: () => proc.stop(), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

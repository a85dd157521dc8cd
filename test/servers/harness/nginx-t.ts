// Many `nginx -t` runs over generated configurations, for the tests that compare a rule's table with what this nginx
// accepts (directive-placement, argument-values): each run in its own network namespace when possible (-t binds the
// listen addresses), two or more at once.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's stream module, loaded by the generated configurations that have a stream block. */
export const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

/** A folder for the configurations, and `nginxT(text)`: nginx -t's output (stdout and stderr) for one of them. */
export function nginxTRunner(name: string): { nginxT: (text: string) => Promise<string>; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `proxylint-${name}-`));
  let seq = 0;
  const unshare = spawnSync('unshare', ['-n', 'true']).status === 0;
  const nginxT = (text: string) => {
    const file = join(dir, `c${seq++}.conf`);
    writeFileSync(file, text);
    const args = ['-t', '-q', '-p', dir + '/', '-e', '/dev/null', '-c', file];
    const [cmd, argv] = unshare ? ['unshare', ['-n', 'nginx', ...args]] : ['nginx', args];
    return new Promise<string>((resolve) => {
      let out = '';
      const child = spawn(cmd, argv as string[], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (b) => (out += b));
      child.stderr.on('data', (b) => (out += b));
      child.on('close', () => resolve(out));
    });
  };
  return { nginxT, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs the jobs `width` at a time, keeping their order in the result. */
export async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const k = next++;
        out[k] = await jobs[k]();
      }
    }),
  );
  return out;
}

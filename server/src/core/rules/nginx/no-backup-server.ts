import { insertLinesAfter } from '../../fix';
import { atLeast } from '../../model/version';
import { defineNginxRule } from '../rule';
import type { UpstreamServer } from '../../model/nginx-upstreams';
import { isBackup, isDown, isLocal, serversAreDynamic } from './failover-support';

/**
 * Whether every server is the same IP literal. Only IP literals prove "one machine": a name may stand for several
 * hosts (round-robin DNS). A loop that stops at the first difference, not a set of every group's hosts.
 */
function oneIpHost(servers: UpstreamServer[]): boolean {
  let first: string | undefined;
  for (let k = 0; k < servers.length; k++) {
    const s = servers[k];
    if (!s.address || s.error || !s.address.isIp || s.params.has('resolve')) return false;
    const host = s.address.host.toLowerCase();
    if (first === undefined) first = host;
    else if (host !== first) return false;
  }
  return first !== undefined;
}

/** Balancing methods that refuse `backup` (https://nginx.org/en/docs/http/ngx_http_upstream_module.html#backup). */
const NO_BACKUP_METHODS = ['hash', 'ip_hash', 'random'];

/**
 * A group without a backup is normal, and reporting all of them would be noise. The case worth a note is
 * a group whose servers all sit on one remote IP address (several ports of one machine): the host going away
 * takes every server with it, nginx marks them all failed and answers "no live upstreams". Groups on
 * the nginx machine itself are left alone: if that machine is down, nginx is down too.
 */
export default defineNginxRule({
  id: 'no-backup-server',
  server: 'nginx',
  severity: 'info',
  outcome: '502',
  summary: 'Every server of an upstream group is on the same remote host and there is no backup: one host failure makes nginx answer 502.',
  directives: ['upstream'],
  versions: 'all',
  check(ctx) {
    for (const up of ctx.upstreams.upstreams) {
      // The tests on the servers first: they are already parsed, while the other two read every line of the block.
      // A group whose servers are all marked down never reaches the host: all-servers-down reports it.
      if (up.servers.length < 2 || up.servers.some(isBackup) || up.servers.every(isDown) || !oneIpHost(up.servers)) continue;
      const host = up.servers[0].address!;
      if (isLocal(host) || serversAreDynamic(up)) continue;
      if (up.node.children.some((c) => NO_BACKUP_METHODS.includes(c.name))) continue;
      const timeouts = new Set(up.servers.map((s) => s.params.get('fail_timeout') ?? '10s'));
      const ft = timeouts.size === 1 ? `fail_timeout (${[...timeouts][0]})` : 'fail_timeout';
      // Since 1.11.5 nginx waits out fail_timeout when every server has failed instead of resetting them (CHANGES).
      const newer = atLeast(ctx.target.version, '1.11.5');
      const wait = newer === true ? ` for ${ft} before trying them again` : newer === undefined ? ` until they are tried again (on nginx 1.11.5 and later, after ${ft})` : '';
      const last = up.servers[up.servers.length - 1].node;
      const port = host.port ?? 80;
      const name = up.node.directive.args[0];
      const where = host.ipv6 ? `[${host.host}]` : host.host;
      // With max_fails=0 nothing is ever marked failed: each request walks through every server instead.
      const stream = up.module === 'stream';
      const outcome = up.servers.every((s) => s.params.get('max_fails') === '0')
        ? stream
          ? 'every connection is tried on each of them in turn and then closed'
          : 'every request is tried on each of them in turn and ends in 502/504'
        : `nginx marks all of them failed and ${stream ? 'closes new connections' : 'answers 502'} ("no live upstreams")${wait}`;
      ctx.report({
        at: { file: up.node.file, start: up.node.directive.start, end: name.end },
        message: `every server of upstream "${up.name}" is on ${where} and there is no backup: when that host is unreachable ${outcome}`,
        suggestions: [
          {
            title: 'Add a backup server on another host (a placeholder name: nginx refuses to start until you replace it)',
            edits: [insertLinesAfter(last, [`server backup-host.invalid:${port} backup;  # TODO: a server on another host`])],
          },
        ],
      });
    }
  },
});

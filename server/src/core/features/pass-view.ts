import type { DirectiveDoc } from '../docs/directive-doc';
import { NGX_LOG } from '../docs/log-lines';
import type { Address, PassTarget } from '../model/nginx-upstreams';

/**
 * The hover of an http `*_pass` line, narrowed to its target. The documentation of the pass directives lists every log
 * line any target can cause: a UNIX socket that is missing, a variable with no resolver, a host name that does not
 * resolve at load, a TLS port spoken to in plain HTTP. On `proxy_pass http://10.0.0.5:8080;` most of these cannot
 * happen, and the one on-call engineer reading the hover has to sort them out. What can happen depends on the
 * addresses the requests may go to: the target's own, or the servers of the upstream group it names.
 */

interface Reach {
  unix: boolean;
  hostName: boolean;
  localhost: boolean;
  /** More than one peer: nginx counts failures and can run out of servers ("no live upstreams"). */
  severalPeers: boolean;
  /** Whether what the group holds is not all known (no servers seen, a server line nginx refuses). */
  unknown: boolean;
}

function reachOf(pass: PassTarget): Reach | undefined {
  // A target with variables can name anything at run time: nothing is narrowed.
  if (pass.hasVariables) return undefined;
  const addresses: Address[] = [];
  let unknown = false;
  if (pass.upstream) {
    for (const s of pass.upstream.servers) {
      if (s.address && !s.address.hasVariables) addresses.push(s.address);
      else unknown = true;
    }
    if (!pass.upstream.servers.length) unknown = true;
  } else if (pass.address) addresses.push(pass.address);
  else return undefined;
  const hostName = addresses.some((a) => !a.unix && !a.isIp);
  return {
    unix: addresses.some((a) => !!a.unix),
    hostName,
    localhost: addresses.some((a) => a.host.toLowerCase() === 'localhost'),
    // A group of one server line may still have several peers when its name resolves to several addresses; a single
    // IP or socket is one peer, which nginx never marks failed (ngx_http_upstream_get_round_robin_peer: a "single"
    // peer is only checked for down and max_conns, which an implicit group has neither of).
    severalPeers: addresses.length > 1 || hostName || (pass.upstream?.servers.some((s) => s.params.has('down') || s.params.has('max_conns')) ?? false),
    unknown,
  };
}

/**
 * `doc` with only the log lines the target of `pass` can produce (plus those of the problems reported on the line,
 * `problems` being their rule ids) and only the related rules that can apply to it. Unchanged for a target with
 * variables, one nginx refuses, or a group whose servers are not all known.
 */
export function docForPass(doc: DirectiveDoc, pass: PassTarget, problems: ReadonlySet<string>): DirectiveDoc {
  const reach = pass.error ? undefined : reachOf(pass);
  if (!reach || reach.unknown) return doc;
  const tls = pass.scheme === 'https' || pass.scheme === 'grpcs' || pass.scheme === 'suwsgi';
  const keep = (line: string): boolean => {
    switch (line) {
      case NGX_LOG.unixMissing:
        return reach.unix;
      case NGX_LOG.noLive:
        return reach.severalPeers;
      case NGX_LOG.noResolver:
        return false; // only a target with variables, which is not narrowed
      case NGX_LOG.hostNotFound:
        return reach.hostName;
      case NGX_LOG.invalidUrlPrefix:
      case NGX_LOG.invalidHostScheme:
        return false; // a target nginx refuses is not narrowed (pass.error)
      case NGX_LOG.wrongVersion:
        return tls;
      case NGX_LOG.uriPart:
        // A line of a problem reported here: shown only when that problem is there.
        return problems.has('uri-part-not-allowed');
      default:
        return true;
    }
  };
  const logLines = doc.logLines.filter(keep);
  const rules = doc.rules?.filter((r) => {
    switch (r) {
      case 'variable-pass-without-resolver':
        return false;
      case 'hostname-resolved-at-startup':
        return reach.hostName;
      case 'localhost-upstream':
        return reach.localhost;
      case 'unix-socket-path':
        return reach.unix;
      case 'tls-upstream-without-sni':
        return tls;
      case 'undefined-upstream':
        return !!pass.upstream || reach.hostName;
      case 'uri-part-not-allowed':
        return !!pass.uri || problems.has(r);
      default:
        return true;
    }
  });
  return { ...doc, logLines, rules };
}

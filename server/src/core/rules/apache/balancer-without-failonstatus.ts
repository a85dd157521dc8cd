import { apacheFix, insertLinesInSection, setParam } from '../../apache-fix';
import { balancerChecks, balancerSettings, forRequestsTo, hcTemplateMethods, healthCheckMethod, type HcTemplates } from '../../model/apache-balancer-checks';
import { onOff, type Balancer, type Worker } from '../../model/apache-proxy';
import type { WorkerParam } from '../../model/apache-workers';
import type { Fix } from '../../finding';
import { defineApacheRule } from '../apache-rule';

/**
 * failontimeout=On takes out a member only when the scheme handler tells the balancer that the read timed out;
 * mod_proxy_http does (AH02460), mod_proxy_fcgi does not. On 2.4.71, two fcgi:// members with timeout=2, one that
 * never answered (a FastCGI stand-in, and a raw TCP port that accepts and never reads): with failontimeout=On every
 * second request still got 504 after 2 s (AH01075 "(polling)", no AH02460); with failonstatus=504 the first 504 logged
 * AH01174 and the next five requests went to the other member (test/servers/apache-balancer-fcgi-timeout.test.ts).
 */
const fcgiMembers = (b: Balancer) => b.members.filter((m) => m.target.scheme === 'fcgi');

/** The codes of failonstatus= (it takes a comma-separated list). */
const statuses = (params: Map<string, WorkerParam>) => new Set((params.get('failonstatus')?.value ?? '').split(',').map((s) => s.trim()).filter(Boolean));

export default defineApacheRule({
  id: 'balancer-without-failonstatus',
  server: 'apache',
  severity: 'info',
  outcome: '502/504',
  summary: 'A balancer sets neither failonstatus nor failontimeout, and not every member has an HTTP health check: members that answer 5xx or time out stay in rotation.',
  directives: ['BalancerMember', 'ProxySet'],
  versions: 'all 2.4 (failontimeout since 2.4.5)',
  check(ctx) {
    const templates = hcTemplateMethods(ctx.config);
    // A virtual host's balancer that the main server's of the name hides gets no requests (see takesMainBalancers).
    for (const b of ctx.proxy.balancers) {
      if (b.members.length < 2 || b.hiddenBy) continue;
      const fcgi = fcgiMembers(b);
      // For fcgi:// members only a 504 in failonstatus takes out one that times out. It is reported when failontimeout=On
      // says the timeouts are meant to be covered, or when neither parameter is set (below).
      const timeoutsLeft = (params: Map<string, WorkerParam>) => fcgi.length > 0 && onOff(params.get('failontimeout')) === true && !statuses(params).has('504');
      // The settings in force for some server's requests through it (a virtual host using the main server's balancer
      // may set its own): the first that leaves members in rotation.
      const views = balancerSettings(ctx.proxy, b);
      const view = views.find(({ params: p }) => timeoutsLeft(p) || !(p.get('failonstatus') || p.get('failontimeout')));
      if (!view) continue;
      const params = view.params;
      const whom = forRequestsTo(view.server, views.length > 1, ctx.lineOf);
      const failOnStatus = params.get('failonstatus');
      const fcgiTimeoutsLeft = timeoutsLeft(params);
      // An HTTP health check (hcmethod=GET, HEAD or OPTIONS) takes out a member whose check answers an error or
      // nothing, before clients are sent to it: members that have one are covered. hcmethod=TCP is not: a backend that
      // answers 503 or hangs still accepts the connection.
      const { httpChecked, otherChecked } = balancerChecks(b, templates, params);
      if (httpChecked.length === b.members.length) continue;
      const where = b.section ?? b.members[0].node;
      const allFcgi = fcgi.length === b.members.length;
      const fcgiWho = allFcgi ? 'its fcgi:// members' : `its ${fcgi.length} fcgi:// member${fcgi.length === 1 ? '' : 's'}`;
      // mod_proxy_fcgi answers 504 on a timeout without telling the balancer it was one: failontimeout does not see it.
      const fcgiWhy = `failontimeout=On does not take out ${allFcgi ? 'an fcgi:// member' : 'one of those'} that times out (mod_proxy_fcgi answers 504 after AH01075 "(polling)" and the balancer logs no AH02460), but a 504 in failonstatus does (AH01174)`;
      if (fcgiTimeoutsLeft) {
        const fix: Fix | undefined = failOnStatus
          ? apacheFix(`Add 504 to failonstatus (failonstatus=${failOnStatus.value},504)`, setParam(failOnStatus, `${failOnStatus.value},504`))
          : b.section
            ? apacheFix('Add "ProxySet failonstatus=502,503,504"', insertLinesInSection(b.section, ['ProxySet failonstatus=502,503,504']))
            : undefined;
        ctx.report({
          node: where,
          message: `${b.name} sets failontimeout=On${failOnStatus ? ` and failonstatus=${failOnStatus.value} without 504` : ' without failonstatus='}${whom}, and ${fcgiWho} ${allFcgi || fcgi.length > 1 ? 'are' : 'is'} not covered by it: ${fcgiWhy}. A member that hangs keeps its share of requests, and each of those waits the backend timeout and gets 504`,
          suggestions: fix ? [fix] : [],
        });
        continue;
      }
      const partly = httpChecked.length
        ? ` and only ${httpChecked.length} of its ${b.members.length} members ${httpChecked.length === 1 ? 'has' : 'have'} a health check that sends requests (hcmethod=GET, HEAD or OPTIONS)`
        : otherChecked.length
          ? ` and the health checks it has (${[...new Set(otherChecked.map((m) => checkText(m, templates)))].join(', ')}) do not send requests, so they see neither errors nor hangs`
          : '';
      // For a balancer of fcgi:// members failontimeout=On would do nothing: failonstatus with 504 is the whole advice.
      const line = allFcgi ? 'ProxySet failonstatus=502,503,504' : 'ProxySet failonstatus=502,503,504 failontimeout=On';
      const takesOut = fcgi.length === 0
        ? `"${line}" takes such a member out for its retry period (AH01174, AH02460)`
        : allFcgi
          ? `"${line}" takes such a member out for its retry period (AH01174); failontimeout=On would not, as mod_proxy_fcgi does not tell the balancer that the 504 came from a timeout`
          : `"${line}" takes such a member out for its retry period (AH01174, AH02460), ${fcgiWho} through the 504 in failonstatus, as failontimeout=On does not act on them`;
      ctx.report({
        node: where,
        message: `${b.name} sets neither failonstatus= nor failontimeout=${whom}${partly}: a member${httpChecked.length ? ' without one' : ''} that answers 502/503/504 or times out keeps its share of requests, and each of those ends in an error; ${takesOut}`,
        suggestions: b.section ? [apacheFix(`Add "${line}"`, insertLinesInSection(b.section, [line]))] : [],
      });
    }
  },
});

/** A member's health check in words: its own hcmethod=, or its template and the method that template sets. */
function checkText(m: Worker, templates: HcTemplates): string {
  const own = m.params.get('hcmethod');
  if (own) return `hcmethod=${own.value}`;
  const method = healthCheckMethod(m, templates);
  const name = m.params.get('hctemplate')!.value;
  return `hctemplate=${name}${method === 'none' ? ', which sets no hcmethod (None)' : method && method !== 'template' ? ` with hcmethod=${method.toUpperCase()}` : ''}`;
}

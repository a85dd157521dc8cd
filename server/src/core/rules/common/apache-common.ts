import { defineApacheRule, type ApacheRule } from '../apache-rule';
import syntaxError from './syntax-error';
import includeNotFound from './include-not-found';
import includeUnreadable, { notFollowedMessage } from './include-unreadable';
import includeCycle from './include-cycle';

/**
 * The shared rules (same ids, metadata and doc pages as for nginx) as they run on an httpd configuration:
 * the Apache parser's problems and the Include loader's.
 */
export const apacheCommonRules: ApacheRule[] = [
  defineApacheRule({
    ...syntaxError,
    server: 'any',
    check(ctx) {
      for (const file of ctx.config.files) {
        for (const p of file.ast.problems) {
          ctx.report({
            at: { file, start: p.start, end: p.end },
            message: p.message,
            related: p.related ? [{ path: file.path, start: p.related.start, end: p.related.end, message: p.related.message }] : [],
          });
        }
      }
    },
  }),
  defineApacheRule({
    ...includeNotFound,
    server: 'any',
    check(ctx) {
      for (const p of ctx.config.problems) {
        if (p.kind !== 'include-not-found') continue;
        if (p.unverified) {
          // ServerRoot is a guess and no likely one holds the path: not a start failure proxylint can assert.
          ctx.report({ at: { file: p.file, ...p.span }, message: `${p.message}. Set "apache.serverRoot" in .proxylintrc.json so it is checked`, severity: 'info' });
          continue;
        }
        ctx.report({
          at: { file: p.file, ...p.span },
          message: p.mayExistOnServer
            ? `${p.message}. If it exists only on the server, map the path to your checkout with "apache.pathMap" (or set "apache.serverRoot") in .proxylintrc.json so it is checked too`
            : p.message,
          severity: p.mayExistOnServer ? 'warning' : undefined,
        });
      }
    },
  }),
  defineApacheRule({
    ...includeUnreadable,
    server: 'any',
    check(ctx) {
      for (const p of ctx.config.problems) {
        if (p.kind !== 'include-unreadable' && p.kind !== 'include-depth') continue;
        if (p.notFollowed) ctx.report({ at: { file: p.file, ...p.span }, severity: 'info', message: notFollowedMessage(p.message) });
        else ctx.report({ at: { file: p.file, ...p.span }, message: p.message });
      }
    },
  }),
  defineApacheRule({
    ...includeCycle,
    server: 'any',
    check(ctx) {
      for (const p of ctx.config.problems) if (p.kind === 'include-cycle') ctx.report({ at: { file: p.file, ...p.span }, message: p.message });
    },
  }),
];

import type { NginxRule } from '../rule';

/** Neighbours that produce the same errors: upstream keep-alive, header buffers, WebSocket, cached errors. */
export const neighbourRules: NginxRule[] = [];

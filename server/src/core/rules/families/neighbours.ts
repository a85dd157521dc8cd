import type { NginxRule } from '../rule';
import upstreamKeepaliveIneffective from '../nginx/upstream-keepalive-ineffective';
import keepaliveTimeoutRacesBackend from '../nginx/keepalive-timeout-races-backend';
import fastcgiKeepaliveWithoutKeepConn from '../nginx/fastcgi-keepalive-without-keep-conn';
import keepaliveBeforeBalancingMethod from '../nginx/keepalive-before-balancing-method';
import keepaliveIgnoredForUwsgiScgi from '../nginx/keepalive-ignored-for-uwsgi-scgi';
import bufferSizeArithmetic from '../nginx/buffer-size-arithmetic';
import headerBufferTooSmall from '../nginx/header-buffer-too-small';
import proxyBufferingOff from '../nginx/proxy-buffering-off';
import xAccelBufferingSentToClient from '../nginx/x-accel-buffering-sent-to-client';
import websocketHeadersMissing from '../nginx/websocket-headers-missing';
import connectionUpgradeOnEveryRequest from '../nginx/connection-upgrade-on-every-request';
import cachedErrorResponses from '../nginx/cached-error-responses';
import typographicQuotes from '../nginx/typographic-quotes';

/** Neighbours that produce the same errors: upstream keep-alive, header buffers, WebSocket, cached errors, pasted typographic quotes. */
export const neighbourRules: NginxRule[] = [
  upstreamKeepaliveIneffective,
  keepaliveTimeoutRacesBackend,
  fastcgiKeepaliveWithoutKeepConn,
  keepaliveBeforeBalancingMethod,
  keepaliveIgnoredForUwsgiScgi,
  bufferSizeArithmetic,
  headerBufferTooSmall,
  proxyBufferingOff,
  xAccelBufferingSentToClient,
  websocketHeadersMissing,
  connectionUpgradeOnEveryRequest,
  cachedErrorResponses,
  typographicQuotes,
];

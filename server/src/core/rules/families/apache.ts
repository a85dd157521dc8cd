import type { ApacheRule } from '../apache-rule';
import { apacheCommonRules } from '../common/apache-common';
import proxytimeoutInheritsTimeout from '../apache/proxytimeout-inherits-timeout';
import noConnectiontimeout from '../apache/no-connectiontimeout';
import proxyTimeoutTooLow from '../apache/proxy-timeout-too-low';
import apacheTimeoutNotBelowOuterTimeout from '../apache/apache-timeout-not-below-outer-timeout';
import pooledConnectionOutlivesBackendKeepalive from '../apache/pooled-connection-outlives-backend-keepalive';
import keepaliveParamIsTcpKeepalive from '../apache/keepalive-param-is-tcp-keepalive';
import backendDnsCachedPerChild from '../apache/backend-dns-cached-per-child';
import apacheModuleNotLoaded from '../apache/apache-module-not-loaded';
import proxySchemeModuleMissing from '../apache/proxy-scheme-module-missing';
import httpsBackendWithoutSslproxyengine from '../apache/https-backend-without-sslproxyengine';
import tlsBackendIpNameCheck from '../apache/tls-backend-ip-name-check';
import invalidBackendUrl from '../apache/invalid-backend-url';
import unixSocketTargetSyntax from '../apache/unix-socket-target-syntax';
import sethandlerUnixSocketSyntax from '../apache/sethandler-unix-socket-syntax';
import invalidWorkerParameter from '../apache/invalid-worker-parameter';
import proxypassPathInLocation from '../apache/proxypass-path-in-location';
import proxypassTrailingSlashMismatch from '../apache/proxypass-trailing-slash-mismatch';
import proxypassShadowed from '../apache/proxypass-shadowed';
import undefinedBalancer from '../apache/undefined-balancer';
import balancerNoUsableMember from '../apache/balancer-no-usable-member';
import balancerMemberOutsideBalancer from '../apache/balancer-member-outside-balancer';
import proxysetTargetNotFound from '../apache/proxyset-target-not-found';
import proxysetTargetInvalid from '../apache/proxyset-target-invalid';
import balancerMemberWithoutHealthCheck from '../apache/balancer-member-without-health-check';
import hcheckParamsWithoutModule from '../apache/hcheck-params-without-module';
import balancerWithoutFailonstatus from '../apache/balancer-without-failonstatus';
import vhostFailonstatusOnMainBalancer from '../apache/vhost-failonstatus-on-main-balancer';
import vhostBalancerHiddenByMainServer from '../apache/vhost-balancer-hidden-by-main-server';
import balancerSingleMember from '../apache/balancer-single-member';
import workerRetryExtremes from '../apache/worker-retry-extremes';
import forcerecoveryOffProlongsOutage from '../apache/forcerecovery-off-prolongs-outage';
import responseFieldSizeTooSmall from '../apache/response-field-size-too-small';
import websocketUpgradeNotEnabled from '../apache/websocket-upgrade-not-enabled';
import websocketTunnelIdleTimeout from '../apache/websocket-tunnel-idle-timeout';
import inlineCommentIsArgument from '../apache/inline-comment-is-argument';
import htaccessDirectiveNotAllowed from '../apache/htaccess-directive-not-allowed';
import workerTimeoutUnitIgnored from '../apache/worker-timeout-unit-ignored';
import timeoutValueMisread from '../apache/timeout-value-misread';
import proxypassMissingArgument from '../apache/proxypass-missing-argument';
import invalidDirectiveArguments from '../apache/invalid-directive-arguments';
import directiveNotAllowedInSection from '../apache/directive-not-allowed-in-section';
import modulesNotKnown from '../apache/modules-not-known';
import workerParamsIgnoredBySharing from '../apache/worker-params-ignored-by-sharing';
import requestsUseAnotherWorker from '../apache/requests-use-another-worker';
import sslproxyverifyWithoutCa from '../apache/sslproxyverify-without-ca';
import tlsBackendCheckedAgainstClientHost from '../apache/tls-backend-checked-against-client-host';
import loadmoduleBuiltIn from '../apache/loadmodule-built-in';
import ifmoduleNameMatchesNothing from '../apache/ifmodule-name-matches-nothing';
import trunkOnlyDirective from '../apache/trunk-only-directive';
import apacheUnknownDirective from '../apache/apache-unknown-directive';
import balancerTimeoutNotBackendTimeout from '../apache/balancer-timeout-not-backend-timeout';
import undefinedVariableInBackendUrl from '../apache/undefined-variable-in-backend-url';
import sethandlerSocketTakenByWorker from '../apache/sethandler-socket-taken-by-worker';
import proxypassTakesPhpFromSethandler from '../apache/proxypass-takes-php-from-sethandler';
import proxypassMapsNoRequest from '../apache/proxypass-maps-no-request';
import backendIsOwnListenerWrongScheme from '../apache/backend-is-own-listener-wrong-scheme';

/** Apache httpd rules: timeouts, connection reuse and DNS, modules and backend URLs, ProxyPass order, balancers and health checks, headers, WebSocket, file syntax. */
export const apacheOnlyRules: ApacheRule[] = [
  proxytimeoutInheritsTimeout,
  timeoutValueMisread,
  noConnectiontimeout,
  proxyTimeoutTooLow,
  apacheTimeoutNotBelowOuterTimeout,
  pooledConnectionOutlivesBackendKeepalive,
  keepaliveParamIsTcpKeepalive,
  backendDnsCachedPerChild,
  apacheModuleNotLoaded,
  proxySchemeModuleMissing,
  httpsBackendWithoutSslproxyengine,
  tlsBackendIpNameCheck,
  backendIsOwnListenerWrongScheme,
  invalidBackendUrl,
  undefinedVariableInBackendUrl,
  unixSocketTargetSyntax,
  sethandlerUnixSocketSyntax,
  sethandlerSocketTakenByWorker,
  proxypassTakesPhpFromSethandler,
  invalidWorkerParameter,
  proxypassMissingArgument,
  invalidDirectiveArguments,
  proxypassPathInLocation,
  workerTimeoutUnitIgnored,
  balancerTimeoutNotBackendTimeout,
  workerParamsIgnoredBySharing,
  requestsUseAnotherWorker,
  sslproxyverifyWithoutCa,
  tlsBackendCheckedAgainstClientHost,
  proxypassTrailingSlashMismatch,
  proxypassMapsNoRequest,
  proxypassShadowed,
  undefinedBalancer,
  balancerNoUsableMember,
  balancerMemberOutsideBalancer,
  proxysetTargetNotFound,
  proxysetTargetInvalid,
  balancerMemberWithoutHealthCheck,
  hcheckParamsWithoutModule,
  balancerWithoutFailonstatus,
  vhostFailonstatusOnMainBalancer,
  vhostBalancerHiddenByMainServer,
  balancerSingleMember,
  workerRetryExtremes,
  forcerecoveryOffProlongsOutage,
  responseFieldSizeTooSmall,
  websocketUpgradeNotEnabled,
  websocketTunnelIdleTimeout,
  inlineCommentIsArgument,
  htaccessDirectiveNotAllowed,
  directiveNotAllowedInSection,
  modulesNotKnown,
  loadmoduleBuiltIn,
  ifmoduleNameMatchesNothing,
  trunkOnlyDirective,
  apacheUnknownDirective,
];

/** Everything the Apache driver runs: the shared rules (syntax-error, include-*) and the Apache ones. */
export const apacheRules: ApacheRule[] = [...apacheCommonRules, ...apacheOnlyRules];

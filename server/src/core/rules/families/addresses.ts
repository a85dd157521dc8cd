import type { NginxRule } from '../rule';
import undefinedUpstream from '../nginx/undefined-upstream';
import invalidUpstreamAddress from '../nginx/invalid-upstream-address';
import invalidServerParameter from '../nginx/invalid-server-parameter';
import passSchemeMismatch from '../nginx/pass-scheme-mismatch';
import fastcgiSettingsWithoutFastcgiPass from '../nginx/fastcgi-settings-without-fastcgi-pass';
import variablePassWithoutResolver from '../nginx/variable-pass-without-resolver';
import hostnameResolvedAtStartup from '../nginx/hostname-resolved-at-startup';
import resolveWithoutPrerequisites from '../nginx/resolve-without-prerequisites';
import localhostUpstream from '../nginx/localhost-upstream';
import unixSocketPath from '../nginx/unix-socket-path';
import tlsUpstreamWithoutSni from '../nginx/tls-upstream-without-sni';
import tlsVerifyWithoutTrustedCertificate from '../nginx/tls-verify-without-trusted-certificate';
import tlsCertificateWithoutKey from '../nginx/tls-certificate-without-key';
import schemePortMismatch from '../nginx/scheme-port-mismatch';
import wrongProtocolToLocalListener from '../nginx/wrong-protocol-to-local-listener';
import uriPartNotAllowed from '../nginx/uri-part-not-allowed';
import duplicateDirective from '../nginx/duplicate-directive';
import locationProxyPassSlashMismatch from '../nginx/location-proxy-pass-slash-mismatch';
import variableProxyPassReplacesUri from '../nginx/variable-proxy-pass-replaces-uri';
import directiveNotAllowedHere from '../nginx/directive-not-allowed-here';
import invalidNumberOfArguments from '../nginx/invalid-number-of-arguments';
import proxyHttpVersionUnsupported from '../nginx/proxy-http-version-unsupported';
import invalidArgumentValue from '../nginx/invalid-argument-value';
import invalidRegex from '../nginx/invalid-regex';
import unknownDirective from '../nginx/unknown-directive';
import directiveNotInTargetVersion from '../nginx/directive-not-in-target-version';
import undefinedCacheZone from '../nginx/undefined-cache-zone';
import undefinedVariable from '../nginx/undefined-variable';
import duplicateUpstreamName from '../nginx/duplicate-upstream-name';
import duplicateCacheZone from '../nginx/duplicate-cache-zone';
import sharedMemoryZoneConflict from '../nginx/shared-memory-zone-conflict';
import undefinedSharedMemoryZone from '../nginx/undefined-shared-memory-zone';
import grpcPassWithoutHttp2 from '../nginx/grpc-pass-without-http2';
import listenConflict from '../nginx/listen-conflict';
import listenAddressInUse from '../nginx/listen-address-in-use';
import reuseportSplitsConnections from '../nginx/reuseport-splits-connections';
import listenSslWithoutCertificate from '../nginx/listen-ssl-without-certificate';

/** Bad upstream addresses, schemes (grpc_pass where clients cannot speak HTTP/2), DNS/resolver and TLS-to-upstream settings, and proxy directives nginx refuses (unknown, unknown to the target version, twice at one level, in the wrong block, with the wrong number of arguments, with a value nginx or the target version does not know). */
export const addressRules: NginxRule[] = [
  undefinedUpstream,
  invalidUpstreamAddress,
  invalidServerParameter,
  passSchemeMismatch,
  fastcgiSettingsWithoutFastcgiPass,
  uriPartNotAllowed,
  duplicateDirective,
  directiveNotAllowedHere,
  invalidNumberOfArguments,
  invalidArgumentValue,
  invalidRegex,
  unknownDirective,
  directiveNotInTargetVersion,
  undefinedCacheZone,
  undefinedVariable,
  duplicateUpstreamName,
  duplicateCacheZone,
  sharedMemoryZoneConflict,
  undefinedSharedMemoryZone,
  proxyHttpVersionUnsupported,
  locationProxyPassSlashMismatch,
  variableProxyPassReplacesUri,
  variablePassWithoutResolver,
  resolveWithoutPrerequisites,
  hostnameResolvedAtStartup,
  localhostUpstream,
  unixSocketPath,
  schemePortMismatch,
  wrongProtocolToLocalListener,
  grpcPassWithoutHttp2,
  tlsVerifyWithoutTrustedCertificate,
  tlsCertificateWithoutKey,
  listenConflict,
  listenAddressInUse,
  reuseportSplitsConnections,
  listenSslWithoutCertificate,
  tlsUpstreamWithoutSni,
];

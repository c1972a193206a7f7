// The HTTPS server of `kstory serve`: a read-only Kubernetes API over one or more bundles (one
// cluster each, under /clusters/<name>/ when there are several), behind a bearer token, with a time
// control at /kstory/at. Requests are routed to discovery, get/list, watch and pod logs.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { isIP } from 'node:net';
import { KstoryError, messageOf } from '../errors.ts';
import { advertisedHost, type CertificatePair, selfSignedCertificate } from '../kube/certificate.ts';
import { getObject, listObjects, type ServedCluster } from './api.ts';
import {
  AGGREGATED_CONTENT_TYPE,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregated,
} from './discovery.ts';
import { serveLogs } from './log-handler.ts';
import { openApiDocument, openApiIndex } from './openapi.ts';
import { parseApiPath } from './paths.ts';
import {
  ApiError,
  methodNotAllowed,
  noResource,
  notFound,
  sendJson,
  sendStatus,
  unauthorized,
} from './status.ts';
import { handleTimeControl } from './time-control.ts';
import { watch } from './watch.ts';

export interface ServeOptions {
  /** Address to bind; 127.0.0.1 unless told otherwise. */
  address?: string;
  /** 0 for any free port. */
  port?: number;
  /** The user's certificate and key (PEM); self-signed when absent. */
  certificate?: CertificatePair;
  /** The bearer token clients must send; generated when absent. */
  token?: string;
}

export class ServeServer {
  private readonly inFlight = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly clusters: readonly ServedCluster[],
    readonly url: string,
    readonly token: string,
    readonly caPem: string,
  ) {}

  static async start(clusters: readonly ServedCluster[], options: ServeOptions = {}): Promise<ServeServer> {
    const host = options.address ?? '127.0.0.1';
    const advertised = advertisedHost(host);
    const tls =
      options.certificate ??
      (await selfSignedCertificate({ commonName: `kstory serve ${advertised}`, bindHost: host, advertised }));
    const token = options.token ?? randomBytes(24).toString('hex');
    let self: ServeServer | null = null;
    const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => self?.handle(req, res));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) =>
        reject(
          new KstoryError(`cannot listen on ${host}:${options.port ?? 0}: ${messageOf(error)}`, {
            hint:
              error.code === 'EADDRINUSE'
                ? 'Another program uses that port: choose another one with --port, or 0 for any free port.'
                : 'Check that the address is one of this machine’s.',
          }),
        );
      server.once('error', onError);
      server.listen(options.port ?? 0, host, () => {
        server.removeListener('error', onError);
        resolve();
      });
    });
    const port = (server.address() as { port: number }).port;
    const url = `https://${isIP(advertised) === 6 ? `[${advertised}]` : advertised}:${port}`;
    self = new ServeServer(server, clusters, url, token, tls.cert);
    return self;
  }

  /** The server URL of a cluster: the root for a single one, /clusters/<name> for several. */
  clusterUrl(cluster: ServedCluster): string {
    return this.clusters.length === 1 ? this.url : `${this.url}/clusters/${encodeURIComponent(cluster.name)}`;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Watches and followed logs never end by themselves.
    for (const res of this.inFlight) res.end();
    this.server.closeAllConnections();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.inFlight.add(res);
    res.on('close', () => this.inFlight.delete(res));
    this.route(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.end();
        return;
      }
      if (error instanceof ApiError) sendStatus(res, error);
      else
        sendStatus(res, new ApiError(500, 'InternalError', `kstory could not answer: ${messageOf(error)}`));
    });
  }

  private authorized(header: string | undefined): boolean {
    const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
    if (!match) return false;
    const given = Buffer.from(match[1]!.trim());
    const expected = Buffer.from(this.token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.authorized(req.headers.authorization)) throw unauthorized();
    const url = new URL(req.url ?? '/', 'https://kstory.invalid');
    let pathname = url.pathname;
    let cluster = this.clusters[0]!;
    const prefixed = /^\/clusters\/([^/]+)(\/.*)?$/.exec(pathname);
    if (prefixed) {
      const name = decodeURIComponent(prefixed[1]!);
      const found = this.clusters.find((c) => c.name === name);
      if (!found) throw notFound('clusters', name);
      cluster = found;
      pathname = prefixed[2] ?? '/';
    } else if (this.clusters.length > 1 && pathname !== '/version') {
      throw noResource(`${pathname}: this server serves several clusters, under /clusters/<name>/`);
    }
    if (pathname === '/kstory/at') return handleTimeControl(cluster, req, res, url);
    const method = req.method ?? 'GET';
    const target = parseApiPath(pathname);
    if (method !== 'GET' && method !== 'HEAD') {
      throw methodNotAllowed(method, target.type === 'resource' ? target.resource : pathname);
    }
    const catalogue = cluster.state.catalogue;
    const aggregated = wantsAggregated(req.headers.accept);
    switch (target.type) {
      case 'version':
        return sendJson(res, 200, versionInfo(cluster));
      case 'openapi': {
        if (pathname === '/openapi/v3') return sendJson(res, 200, openApiIndex(catalogue));
        const doc = pathname.startsWith('/openapi/v3/')
          ? openApiDocument(catalogue, pathname.slice(12))
          : null;
        if (!doc) throw noResource(pathname);
        return sendJson(res, 200, doc);
      }
      case 'api':
        if (aggregated)
          return sendJson(res, 200, aggregatedDiscovery(catalogue, true), AGGREGATED_CONTENT_TYPE);
        return sendJson(res, 200, apiVersions(new URL(this.url).host));
      case 'apis':
        if (aggregated)
          return sendJson(res, 200, aggregatedDiscovery(catalogue, false), AGGREGATED_CONTENT_TYPE);
        return sendJson(res, 200, apiGroupList(catalogue));
      case 'group': {
        const group = apiGroup(catalogue, target.group);
        if (!group) throw noResource(pathname);
        return sendJson(res, 200, group);
      }
      case 'resources': {
        const list = apiResourceList(catalogue, target.group, target.version);
        if (!list) throw noResource(pathname);
        return sendJson(res, 200, list);
      }
      case 'resource': {
        const resource = catalogue.byPath(target.group, target.version, target.resource);
        if (!resource) throw noResource(pathname);
        if (target.namespace !== undefined && !resource.namespaced) throw noResource(pathname);
        if (target.subresource !== undefined) {
          if (
            target.subresource === 'log' &&
            resource.resource === 'pods' &&
            resource.group === '' &&
            target.name
          ) {
            return serveLogs(cluster, resource, target.namespace ?? 'default', target.name, res, url);
          }
          throw noResource(pathname);
        }
        const watching = target.watchPrefix || ['true', '1'].includes(url.searchParams.get('watch') ?? '');
        if (watching) {
          return watch({ cluster, resource, namespace: target.namespace, name: target.name, url, req, res });
        }
        if (target.name !== undefined) {
          return getObject(cluster, resource, target.namespace, target.name, req, res, url);
        }
        return listObjects(cluster, resource, target.namespace, req, res, url);
      }
      default:
        throw noResource(pathname);
    }
  }
}

/** `/version`: the recorded cluster's Kubernetes version when the bundle names it. */
function versionInfo(cluster: ServedCluster): object {
  const gitVersion = cluster.state.bundle.metadata.cluster.server_version ?? 'v0.0.0-kstory';
  const m = /^v?(\d+)\.(\d+)/.exec(gitVersion);
  return {
    major: m?.[1] ?? '0',
    minor: m?.[2] ?? '0',
    gitVersion,
    gitCommit: '',
    gitTreeState: '',
    buildDate: '',
    goVersion: '',
    compiler: 'kstory',
    platform: 'recording',
  };
}

// Kubernetes `Status` objects for the answers that are not objects: not found, bad request,
// method not allowed (the served cluster is a recording), unauthorized, gone.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzip } from 'node:zlib';
import { shouldGzip } from './compression.ts';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }
}

export function statusBody(code: number, reason: string, message: string, details?: StatusDetails): object {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

export function sendStatus(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.code, statusBody(error.code, error.reason, error.message, error.details));
}

export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const bytes = Buffer.byteLength(text);
  const req = res.req as IncomingMessage | undefined;
  if (req && shouldGzip(req.headers['accept-encoding'], req.socket.remoteAddress, bytes)) {
    // Level 1: nearly the size of level 6 at a third of the CPU.
    gzip(text, { level: 1 }, (error, zipped) => {
      if (error) {
        res.writeHead(code, { 'content-type': contentType, 'content-length': bytes });
        res.end(text);
        return;
      }
      res.writeHead(code, {
        'content-type': contentType,
        'content-encoding': 'gzip',
        'content-length': zipped.length,
        vary: 'Accept-Encoding',
      });
      res.end(zipped);
    });
    return;
  }
  res.writeHead(code, { 'content-type': contentType, 'content-length': bytes });
  res.end(text);
}

/** `pods "web-1" not found`, as the API server words it. */
export function notFound(resource: string, name: string, group = ''): ApiError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new ApiError(404, 'NotFound', `${qualified} "${name}" not found`, { name, group, kind: resource });
}

/** A path that names no resource the bundle has. */
export function noResource(path: string): ApiError {
  return new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`, {});
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(method: string, what: string): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    `${method} ${what} is not allowed: this cluster is a recording served read-only by kstory (get, list and watch only)`,
    {},
  );
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

/** A watch or list from a resourceVersion this server never gave out. */
export function expired(resourceVersion: string): ApiError {
  return new ApiError(410, 'Expired', `too old resource version: ${resourceVersion}`);
}

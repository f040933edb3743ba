/**
 * The HTTP/JSON plumbing of the client API: a route table, bodies read up to `MAX_BODY_BYTES`
 * (413 and nothing applied beyond it), JSON parsed (400 when malformed), every refusal an
 * `ErrorBody` whose `error.name` is the engine's error class, and that class mapped to a status.
 */
import * as http from 'node:http';
import { InvalidInputError } from '../engine';
import { errorFields } from './errors';
import { FORWARDED_HEADER, MAX_BODY_BYTES, type ErrorBody } from './protocol';

/** A refusal with its own status (404, 405, 413, …) and error name. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    name: string,
    message: string,
  ) {
    super(message);
    this.name = name;
  }
}

/** A forwarded answer passed through unchanged (status and body from another node). */
export class Relayed {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

/** What a handler gets: the parsed query and body, and who forwarded it (if anyone). */
export interface Request {
  query: URLSearchParams;
  body: unknown;
  forwardedBy: string | undefined;
}

export type Handler = (req: Request) => Promise<unknown> | unknown;

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  handler: Handler;
}

export { FORWARDED_HEADER };

const STATUS_BY_ERROR: Record<string, number> = {
  InvalidInputError: 400,
  UnknownSignalError: 400,
  CrossTenantAccessError: 403,
  NodeStateError: 409,
  StaleEpochError: 409,
  StaleReadError: 409,
  IdempotencyConflictError: 409,
  UnavailableError: 503,
};

/** The HTTP status of an error, by its class name. */
export function statusOf(err: Error): number {
  if (err instanceof HttpError) return err.status;
  return STATUS_BY_ERROR[err.name] ?? 500;
}

/** An error as the client API sends it: its class name, message and own fields. */
export function errorBody(err: Error): ErrorBody {
  // The HTTP layer's own refusals carry no fields: their status is the HTTP status.
  const fields = err instanceof HttpError ? undefined : errorFields(err);
  return { error: { name: err.name, message: err.message, ...(fields ? { fields } : {}) } };
}

/** Makes the server's request listener; `onError` sees every 500. */
export function router(routes: readonly Route[], onError: (err: Error) => void): http.RequestListener {
  return (req, res) => {
    void serve(routes, req, res).catch((err: Error) => {
      onError(err);
      if (!res.headersSent) send(res, 500, errorBody(err));
      else res.destroy();
    });
  };
}

async function serve(
  routes: readonly Route[],
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://node');
  const matching = routes.filter((r) => r.path === url.pathname);
  if (matching.length === 0) {
    req.resume();
    return send(
      res,
      404,
      errorBody(new HttpError(404, 'NotFoundError', `no route ${url.pathname}; see protocol.ts for the API`)),
    );
  }
  const route = matching.find((r) => r.method === req.method);
  if (!route) {
    req.resume();
    const allow = matching.map((r) => r.method).join(', ');
    return send(
      res,
      405,
      errorBody(new HttpError(405, 'MethodNotAllowedError', `${req.method} ${url.pathname}: use ${allow}`)),
      { allow },
    );
  }
  let body: unknown;
  try {
    body = route.method === 'POST' ? await readJson(req) : undefined;
  } catch (err) {
    const e = err as Error;
    // The rest of an oversized body is not read: answer, then close the connection.
    return send(res, statusOf(e), errorBody(e), e instanceof HttpError ? { connection: 'close' } : {});
  }
  const forwarded = req.headers[FORWARDED_HEADER];
  let result: unknown;
  try {
    result = await route.handler({
      query: url.searchParams,
      body,
      forwardedBy: typeof forwarded === 'string' ? forwarded : undefined,
    });
  } catch (err) {
    const e = err as Error;
    const status = statusOf(e);
    if (status === 500) throw e;
    return send(res, status, errorBody(e));
  }
  if (result instanceof Relayed) return send(res, result.status, result.body);
  send(res, 200, result);
}

function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** The request's JSON body: 413 past `MAX_BODY_BYTES`, 400 when it is not JSON. */
function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    const tooLarge = (): HttpError =>
      new HttpError(
        413,
        'InvalidInputError',
        `request body larger than ${MAX_BODY_BYTES} bytes; nothing was applied, send a smaller body`,
      );
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      return reject(tooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        reject(tooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('error', (err) => {
      if (!done) reject(err);
      done = true;
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined); // no body: the handler says what it needs
      try {
        resolve(JSON.parse(text));
      } catch (err) {
        reject(
          new InvalidInputError(
            'request body',
            text.length > 80 ? `${text.slice(0, 77)}...` : text,
            `not JSON (${(err as Error).message}); send a JSON object`,
          ),
        );
      }
    });
  });
}

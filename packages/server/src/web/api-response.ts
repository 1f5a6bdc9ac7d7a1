import type { ServerResponse } from 'node:http';

/** Prometheus's API error types, each with its HTTP status. */
export type ApiErrorType =
  | 'bad_data'
  | 'execution'
  | 'timeout'
  | 'canceled'
  | 'internal'
  | 'not_found'
  | 'unavailable'
  | 'not_acceptable';

const STATUS: Record<ApiErrorType, number> = {
  bad_data: 400,
  execution: 422,
  timeout: 503,
  // As Prometheus: nginx's "client closed request".
  canceled: 499,
  internal: 500,
  not_found: 404,
  unavailable: 503,
  not_acceptable: 406,
};

/** An error a handler returns; the API writes it as `{"status":"error",...}`. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly type: ApiErrorType;

  constructor(type: ApiErrorType, message: string) {
    super(message);
    this.type = type;
  }

  get status(): number {
    return STATUS[this.type];
  }
}

/** `invalid parameter "name": reason`, Prometheus's wording for a bad parameter. */
export function invalidParam(name: string, reason: string): ApiError {
  return new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${reason}`);
}

/** What a handler returns on success. */
export interface ApiSuccess {
  data: unknown;
  warnings?: readonly string[];
  infos?: readonly string[];
}

export function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function writeSuccess(res: ServerResponse, result: ApiSuccess): void {
  const body: Record<string, unknown> = { status: 'success', data: result.data };
  if (result.warnings !== undefined && result.warnings.length > 0) body.warnings = result.warnings;
  if (result.infos !== undefined && result.infos.length > 0) body.infos = result.infos;
  writeJson(res, 200, body);
}

export function writeError(res: ServerResponse, err: ApiError, data?: unknown): void {
  const body: Record<string, unknown> = { status: 'error', errorType: err.type, error: err.message };
  if (data !== undefined) body.data = data;
  writeJson(res, err.status, body);
}

export function writeText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

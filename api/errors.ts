import type { ZodError } from 'zod';
import type { UNPROCESSABLE } from '../lib/domain-errors.js';

/** The one error shape every route answers with: { error: { code, message, details?, requestId } }. */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 500 | 503,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type FieldIssue = { path: string; message: string; code: string };

/** Field paths as clients write them: `body.transactions[3].amount`. */
export function issuePath(location: string, path: (string | number)[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p),
    location,
  );
}

export function validationError(location: string, error: ZodError): ApiError {
  const issues: FieldIssue[] = error.issues.map((i) => ({
    path: issuePath(location, i.path),
    message: i.message,
    code: i.code,
  }));
  const documentAllows = error.issues.every(
    (i) => i.code === 'custom' && (i.params as typeof UNPROCESSABLE | undefined)?.unprocessable,
  );
  if (documentAllows) return unprocessable(issues);
  return new ApiError(400, 'validation_failed', 'The request is not valid', { issues });
}

/** A 422 naming the fields: input the document allows that still cannot be used. */
export const unprocessable = (issues: FieldIssue[], message = 'The request cannot be processed'): ApiError =>
  new ApiError(422, 'unprocessable', message, { issues });

export const notFound = (what = 'resource'): ApiError => new ApiError(404, 'not_found', `${what} not found`);
export const unauthorized = (message = 'Authentication required'): ApiError =>
  new ApiError(401, 'unauthorized', message);
export const forbidden = (message = 'You may not do this'): ApiError =>
  new ApiError(403, 'forbidden', message);

/**
 * What a command or a workflow refused, in the domain's words; api/app.ts maps each to its status
 * once (409, 422), so routes, commands and Temporal starters never build HTTP errors themselves.
 */
export class ConflictError extends Error {
  override name = 'ConflictError';
}

/** The request is well formed but the business rules refuse it (a deadline passed, a freeze refused). */
export class UnprocessableError extends Error {
  override name = 'UnprocessableError';
}

/** What the command acts on does not exist in the caller's organisation. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
  constructor(readonly what: string) {
    super(`${what} not found`);
  }
}

/** A field names something that is not there for this caller (a 400 naming the field). */
export class InvalidReferenceError extends Error {
  override name = 'InvalidReferenceError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

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

/** A field is as the document allows, but its value cannot be used (a 422 naming the field). */
export class UnprocessableFieldError extends Error {
  override name = 'UnprocessableFieldError';
  constructor(
    readonly field: string,
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** A field names something that is not there for this caller (a 422 naming the field). */
export class InvalidReferenceError extends UnprocessableFieldError {
  override name = 'InvalidReferenceError';
  constructor(field: string, message: string) {
    super(field, message, 'not_found');
  }
}

/**
 * The params of a validation issue the API document cannot state (a dialling plan, an order, a
 * total): input failing only such checks is a 422, not a 400, since the document allows it.
 */
export const UNPROCESSABLE = { unprocessable: true } as const;

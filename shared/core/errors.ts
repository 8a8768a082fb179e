/** Typed errors of the domain. Each carries what a user needs to fix the problem; `cause` keeps the chain. */

export class ValidationError extends Error {
  override name = 'ValidationError';
  readonly field: string | undefined;
  constructor(message: string, options?: { field?: string; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.field = options?.field;
  }
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export class InvalidLinkError extends Error {
  override name = 'InvalidLinkError';
  readonly reason: 'invalid' | 'expired';
  constructor(reason: 'invalid' | 'expired', message: string) {
    super(message);
    this.reason = reason;
  }
}

export class ConflictError extends Error {
  override name = 'ConflictError';
}

/** A body in a form the endpoint does not read: its fields would otherwise be dropped without a word. */
export class UnsupportedMediaTypeError extends Error {
  override name = 'UnsupportedMediaTypeError';
  readonly accept: string;
  constructor(message: string, accept: string) {
    super(message);
    this.accept = accept;
  }
}

/** A caller has spent its share of requests for now; it may try again after `retryAfterSeconds`. */
export class TooManyRequestsError extends Error {
  override name = 'TooManyRequestsError';
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, options?: { cause?: unknown }) {
    super(message, options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Something the request needs (the table, the user pool's keys) does not answer now; trying later may work. */
export class UnavailableError extends Error {
  override name = 'UnavailableError';
}

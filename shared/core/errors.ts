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

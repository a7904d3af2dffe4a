/**
 * One line per failure: `<S3 code>: <message>` for S3 error responses, the connection problem for
 * network errors, the system message for local file errors; never a stack trace. Pure.
 */
interface ErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly errors?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

const statusTexts: Readonly<Record<number, string>> = {
  301: 'Moved Permanently',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  416: 'Range Not Satisfiable',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED', 'TimeoutError', 'RequestTimeout']);

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().replace(/\s*\n\s*/g, ' ') : undefined;
}

/** Describes `error` in one line; `endpoint` names where a connection failed. */
export function describeError(error: unknown, endpoint: string): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const shape = error as ErrorShape;
  const code = text(shape.code);
  const message = text(shape.message);
  const name = text(shape.name);
  if (code !== undefined && networkCodes.has(code)) {
    const nested = Array.isArray(shape.errors) ? shape.errors.map((inner) => text((inner as ErrorShape).message)).find((inner) => inner !== undefined) : undefined;
    return `could not connect to ${endpoint}: ${code}${message !== undefined && message !== code ? ` (${message})` : nested !== undefined ? ` (${nested})` : ''}`;
  }
  if (name === 'TimeoutError') return `could not connect to ${endpoint}: ${message ?? 'timed out'}`;
  if (name === 'CredentialsProviderError') return `no credentials: ${message ?? 'the AWS credential chain found none'}`;
  const status = typeof shape.$metadata?.httpStatusCode === 'number' ? shape.$metadata.httpStatusCode : undefined;
  if (shape.$fault !== undefined && name !== undefined) {
    // An S3 error response. HEAD responses carry no body, so the SDK can only name the status.
    if (message === undefined || message === 'UnknownError') return `${name}: ${status === undefined ? 'no error body' : `HTTP ${status}${statusTexts[status] === undefined ? '' : ` ${statusTexts[status]}`}`}`;
    return `${name}: ${message}`;
  }
  if (code !== undefined && message !== undefined) return message.startsWith(code) ? message : `${code}: ${message}`;
  return message ?? name ?? 'unknown error';
}

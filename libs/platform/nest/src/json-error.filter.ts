import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import { isAssertionError, isObjectBoxError } from '@objectbox/util';
import type { Logger } from '@objectbox/observability';
import type { Request, Response } from 'express';
import { httpStatusOf } from './http-status.js';

/**
 * Maps everything thrown by an HTTP handler of ObjectBox's JSON endpoints, once:
 * typed errors to their HTTP status with `{ error: code, message }`; Nest's HttpExceptions as
 * Nest renders them; anything else to 500 InternalError, logged once with its stack and request id
 * but never sent to the client. A failed assertion is a bug: it is logged and the process crashes.
 */
@Catch()
export class JsonErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const requestId = response.getHeader('x-request-id');
    if (isObjectBoxError(error)) {
      const status = httpStatusOf(error.kind);
      this.logger[status >= 500 ? 'warn' : 'info']({ request_id: requestId, code: error.code, path: request.path }, error.message);
      response.status(status).json({ error: error.code, message: error.message, requestId });
      return;
    }
    if (error instanceof HttpException) {
      response.status(error.getStatus()).json(error.getResponse());
      return;
    }
    this.logger.error({ request_id: requestId, err: error, path: request.path }, 'internal error');
    if (isAssertionError(error)) {
      process.nextTick(() => {
        throw error;
      });
    }
    response.status(500).json({ error: 'InternalError', message: 'internal error', requestId });
  }
}

import type { LoggerService } from '@nestjs/common';
import type { Logger } from '@objectbox/observability';

/**
 * Sends Nest's own log output through pino as JSON. Nest's 'log' level is its bootstrap chatter
 * (modules loaded, routes mapped), so it goes to debug to keep a dev console readable.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  private write(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', message: unknown, optional: unknown[]): void {
    const nestContext = optional.length > 0 ? optional[optional.length - 1] : undefined;
    this.logger[level]({ nest_context: typeof nestContext === 'string' ? nestContext : undefined }, String(message));
  }

  log(message: unknown, ...optional: unknown[]): void {
    this.write('debug', message, optional);
  }
  error(message: unknown, ...optional: unknown[]): void {
    this.write('error', message, optional);
  }
  warn(message: unknown, ...optional: unknown[]): void {
    this.write('warn', message, optional);
  }
  debug(message: unknown, ...optional: unknown[]): void {
    this.write('debug', message, optional);
  }
  verbose(message: unknown, ...optional: unknown[]): void {
    this.write('trace', message, optional);
  }
  fatal(message: unknown, ...optional: unknown[]): void {
    this.write('fatal', message, optional);
  }
}

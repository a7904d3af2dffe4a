import { All, Controller, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ServiceHealth } from './service-health.js';

/**
 * Answers every other path of a service that is not built yet with 501 and a JSON body that says
 * so, instead of a misleading 404 (nothing pretends to work). List it last in `controllers`.
 */
@Controller()
export class NotImplementedController {
  constructor(@Inject(ServiceHealth) private readonly health: ServiceHealth) {}

  @All('{*path}')
  notImplemented(@Res() response: Response): void {
    response.status(HttpStatus.NOT_IMPLEMENTED).json({
      error: 'NotImplemented',
      service: this.health.service,
      message: this.health.readiness().detail || `${this.health.service} does not serve this path`,
    });
  }
}

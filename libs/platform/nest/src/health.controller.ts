import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PlatformContext } from './platform-context.js';
import { ServiceHealth } from './service-health.js';

/**
 * `/health/live` and `/health/ready`, the probes of orchestrators and load balancers:
 * 200 when live/ready, 503 otherwise, with a JSON body saying why.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(ServiceHealth) private readonly health: ServiceHealth,
    @Inject(PlatformContext) private readonly context: PlatformContext,
  ) {}

  @Get('live')
  @HttpCode(200)
  live(@Res({ passthrough: true }) response: Response): Record<string, string> {
    const live = this.health.isLive();
    if (!live) response.status(503);
    return { service: this.health.service, status: live ? 'live' : 'stopping', version: this.context.version };
  }

  @Get('ready')
  ready(@Res({ passthrough: true }) response: Response): Record<string, string> {
    const readiness = this.health.readiness();
    response.status(readiness.status === 'serving' ? 200 : 503);
    return { service: this.health.service, status: readiness.status, detail: readiness.detail, version: this.context.version };
  }
}

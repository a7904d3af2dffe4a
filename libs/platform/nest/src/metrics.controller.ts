import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { PlatformContext } from './platform-context.js';

/** `/metrics`: the process's metrics in Prometheus text format. */
@Controller()
export class MetricsController {
  constructor(@Inject(PlatformContext) private readonly context: PlatformContext) {}

  @Get('metrics')
  metrics(@Req() request: Request, @Res() response: Response): void {
    this.context.telemetry.serveMetrics(request, response);
  }
}

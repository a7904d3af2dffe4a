import { Module } from '@nestjs/common';
import { HealthController, MetricsController, NotImplementedController, NotImplementedHealth, ServiceHealth } from '@objectbox/platform-nest';

/**
 * The message-queue service. Not built yet: the process hosts its shell (health, metrics, gRPC health),
 * reports "not implemented yet" as its readiness and answers every other HTTP path with 501.
 */
@Module({
  controllers: [HealthController, MetricsController, NotImplementedController],
  providers: [{ provide: ServiceHealth, useFactory: () => new NotImplementedHealth('message-queue', 'the SQS API') }],
})
export class MessageQueueModule {}

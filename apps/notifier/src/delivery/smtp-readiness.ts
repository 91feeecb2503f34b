import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Readiness } from '@forewarn/service-kit';
import { Mailer } from './mailer';

/** `/readyz` says whether the mail server answers. */
@Injectable()
export class SmtpReadiness implements OnModuleInit {
  constructor(private readonly readiness: Readiness, private readonly mailer: Mailer) {}

  onModuleInit(): void {
    this.readiness.register('smtp', () => this.mailer.reachable());
  }
}

import { Injectable } from '@nestjs/common';
import type { AlertAcknowledged, AlertRaised } from '@forewarn/contracts';
import { AccountStatusRepository, type DueNotification, type NewWriteBack, WriteBacksRepository, WriteBackTargetsReadModel } from '@forewarn/database';
import { acknowledgementNotes, briefingNotes, mayNeedSupportHeadsUp, supportHeadsUpNotes } from './plan-notes';
import { WriteBackMetrics } from './write-back-metrics';
import { WriteBackWorker } from './write-back-worker';

/**
 * What the intake and the sender call when support should hear from sales: it adds notes to the
 * write-back ledger in the caller's unit of work (an acknowledgement in the intake's transaction),
 * and never calls a helpdesk itself, so ingest and alerting never wait on one. The ledger is
 * unique per source, case, reason and alert: calling again for the same thing adds nothing.
 */
@Injectable()
export class WriteBackPlanner {
  constructor(
    private readonly targets: WriteBackTargetsReadModel,
    private readonly ledger: WriteBacksRepository,
    private readonly accountStatus: AccountStatusRepository,
    private readonly worker: WriteBackWorker,
    private readonly counts: WriteBackMetrics,
  ) {}

  /** Someone in sales acknowledged an alert: "sales is aware" on the account's open cases. */
  async acknowledged(ack: AlertAcknowledged): Promise<void> {
    const targets = await this.targets.openCasesOf(ack.data.accountId);
    if (targets.length === 0) return;
    const [latest] = await this.accountStatus.latestAlerts([ack.data.accountId]);
    await this.add(acknowledgementNotes(ack, latest, targets));
  }

  /** An alert came in: an account that just turned firestorm with a meeting ahead asks support for an update (where sources want it). */
  async alertRaised(alert: AlertRaised): Promise<void> {
    if (!mayNeedSupportHeadsUp(alert)) return;
    await this.add(supportHeadsUpNotes(alert, await this.targets.openCasesOf(alert.data.account.id)));
  }

  /** A mail went out: for a briefing, support learns that sales is preparing the meeting (once per briefing, whoever got it first). */
  async mailSent(notification: DueNotification, at = new Date()): Promise<void> {
    const { alert } = notification;
    if (notification.kind !== 'briefing' || 'kind' in alert) return;
    const targets = await this.targets.openCasesOf(alert.data.account.id);
    if (targets.length === 0) return;
    await this.add(briefingNotes(alert, { name: notification.recipient.name, email: notification.recipient.email }, at.toISOString(), targets));
  }

  private async add(notes: NewWriteBack[]): Promise<void> {
    const added = await this.ledger.add(notes);
    for (const note of added) this.counts.count(note.vendor, note.status === 'pending' ? 'queued' : 'dry_run');
    if (added.some((n) => n.status === 'pending')) this.worker.wake();
  }
}

import type { INestApplicationContext } from '@nestjs/common';
import { SourcesRepository, UsersRepository } from '@forewarn/database';
import { DEMO_PASSWORD, DEMO_USERS, demoEvents } from './demo-data';

export interface DemoSummary {
  events: number;
  users: string[];
  password: string;
  apiKey: string;
}

/** Loads the demo through the public gateway, exactly as a support system would send it (`app` provides GatewayDataModule and DashboardDataModule). */
export async function loadDemo(app: INestApplicationContext, gatewayUrl: string, now = new Date()): Promise<DemoSummary> {
  const { apiKey } = await app.get(SourcesRepository).addOrRotate('demo', 'events');
  const users = app.get(UsersRepository);
  for (const user of DEMO_USERS) await users.upsert(user, DEMO_PASSWORD);
  const events = demoEvents(now, now.getTime().toString(36));
  const response = await fetch(`${gatewayUrl}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/cloudevents-batch+json' },
    body: JSON.stringify(events),
  });
  if (response.status !== 202) throw new Error(`the gateway refused the demo events: ${response.status} ${await response.text()}`);
  return { events: events.length, users: DEMO_USERS.map((u) => `${u.email} (${u.role})`), password: DEMO_PASSWORD, apiKey };
}

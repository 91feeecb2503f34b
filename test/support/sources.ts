import { GatewayDataModule, type SourceKind, SourcesRepository } from '@forewarn/database';
import { withRepositories } from './repositories';

/** Registers a source as `forewarn source add` does, through the gateway's repository; returns its api key. */
export async function addSource(databaseUrl: string, name: string, kind: SourceKind = 'events', signingSecret: string | null = null): Promise<string> {
  const { apiKey } = await withRepositories(databaseUrl, [GatewayDataModule], (app) => app.get(SourcesRepository).add(name, kind, signingSecret));
  return apiKey;
}

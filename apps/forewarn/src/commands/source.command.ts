import { SOURCE_KINDS, type SourceKind, SourceExistsError, SourcesRepository } from '@forewarn/database';
import type { Command } from 'commander';
import { CliError, printJson, withDatabase } from '../cli-support';
import { readMappingFile } from './mapping.command';

export function registerSourceCommands(program: Command): void {
  const source = program.command('source').description('support systems that may send events');
  source
    .command('add <name>')
    .description('register a source; prints its api key once')
    .requiredOption('--kind <kind>', `one of ${SOURCE_KINDS.join(', ')}`)
    .option('--signing-secret <secret>', 'verify webhooks with the vendor signature scheme')
    .option('--mapping <file.jsonata>', 'kind mapped: the JSONata mapping of its webhook JSON to canonical events (see forewarn mapping test)')
    .action(async (name: string, options: { kind: string; signingSecret?: string; mapping?: string }) => {
      if (!/^[a-z0-9][a-z0-9._-]{0,99}$/.test(name)) throw new CliError(`source name "${name}" must be lower-case letters, digits, ".", "_" or "-"`);
      if (!SOURCE_KINDS.includes(options.kind as SourceKind)) throw new CliError(`--kind must be one of ${SOURCE_KINDS.join(', ')}, not "${options.kind}"`);
      if (options.mapping && options.kind !== 'mapped') throw new CliError('--mapping is for sources of --kind mapped');
      const mapping = options.mapping ? readMappingFile(options.mapping) : null;
      const { source: created, apiKey } = await withDatabase((db) =>
        new SourcesRepository(db).add(name, options.kind as SourceKind, options.signingSecret ?? null, mapping).catch((error) => {
          throw error instanceof SourceExistsError ? new CliError(error.message) : error;
        }),
      );
      printJson({ name: created.name, kind: created.kind, apiKey });
    });
}

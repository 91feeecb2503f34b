import { AuditLog, cliActor, GatewayDataModule, SourceNotFoundError, SourcesRepository, TxHost } from '@forewarn/database';
import { compileMapping, describeMappingError, MAPPED_KIND, type MappingTestReport, testMapping } from '@forewarn/ingest';
import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CliError, printJson, withApp } from '../cli-support';

/** Reads a file for a command, with the file name in the error. */
export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function readJsonFile(path: string, what: string): unknown {
  const text = readTextFile(path, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`the ${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** A mapping file that compiles, or a CliError saying where it does not. */
export function readMappingFile(path: string): string {
  const text = readTextFile(path, 'mapping');
  const compiled = compileMapping(text);
  if (!compiled.ok) throw new CliError(`the mapping ${path} does not compile: ${describeMappingError(compiled.error)}`);
  return text;
}

/** Human lines for stderr: what a mapping produced and what is wrong with it. */
function explain(report: MappingTestReport): string[] {
  if (report.status === 'syntax_error') return [`the mapping does not compile: ${describeMappingError(report.error!)}`];
  if (report.status === 'failed') return [`the mapping threw: ${describeMappingError(report.error!)}`];
  if (report.status === 'ignored') return [`no events: ${report.ignored} (the gateway would answer 202 with "ignored")`];
  const lines = report.events.map((e, i) => `event ${i}: ${e.type} ${e.id}`);
  return [...lines, ...report.errors.map((e) => `invalid: ${e.field} ${e.message}`)];
}

export function registerMappingCommands(program: Command): void {
  const mapping = program.command('mapping').description(`JSONata mappings of "${MAPPED_KIND}" sources: any JSON webhook → canonical events`);

  mapping
    .command('test <mapping> <sample>')
    .description('run a mapping (.jsonata) over a sample payload (.json): prints the events it would produce and what breaks the contract; exit 1 on any error')
    .option('--source <name>', 'the source name the events would carry', 'mapping-test')
    .action(async (mappingFile: string, sampleFile: string, options: { source: string }) => {
      const text = readTextFile(mappingFile, 'mapping');
      const sample = readJsonFile(sampleFile, 'sample');
      const report = await testMapping(text, sample, { receivedAt: new Date(), source: options.source });
      printJson(report);
      for (const line of explain(report)) process.stderr.write(`${line}\n`);
      if (report.status !== 'ok' && report.status !== 'ignored') {
        throw new CliError(report.errors.length > 0 ? `${report.errors.length} contract violation(s); the gateway would answer 400 and accept nothing` : 'the gateway would answer 400 and accept nothing');
      }
    });

  mapping
    .command('set <source> <mapping>')
    .description(`store a mapping with a "${MAPPED_KIND}" source (gateways use it within their source cache time, 10 s by default)`)
    .option('--sample <file>', 'refuse to store the mapping unless it maps this sample payload to valid events')
    .action(async (name: string, mappingFile: string, options: { sample?: string }) => {
      const text = readMappingFile(mappingFile);
      if (options.sample) {
        const report = await testMapping(text, readJsonFile(options.sample, 'sample'), { receivedAt: new Date(), source: name });
        if (report.status !== 'ok') {
          for (const line of explain(report)) process.stderr.write(`${line}\n`);
          throw new CliError(`the mapping does not map ${options.sample} to valid events; nothing was stored`);
        }
      }
      const saved = await withApp([GatewayDataModule], (app) => app.get(TxHost).withTransaction(async () => {
        const sources = app.get(SourcesRepository);
        const existing = await sources.findByName(name);
        if (!existing) throw new CliError(`there is no source named "${name}"; add it with "forewarn source add ${name} --kind ${MAPPED_KIND} --mapping ${mappingFile}"`);
        if (existing.kind !== MAPPED_KIND) throw new CliError(`source "${name}" is of kind ${existing.kind}; only ${MAPPED_KIND} sources have a mapping`);
        const stored = await sources.setMapping(name, text).catch((error) => {
          throw error instanceof SourceNotFoundError ? new CliError(error.message) : error;
        });
        const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
        await app.get(AuditLog).record({ actor: cliActor(), action: 'source.mapping_set', target: name, details: { file: mappingFile, characters: text.length, sha256: digest } });
        return stored;
      }));
      printJson({ name: saved.name, kind: saved.kind, mapping: mappingFile, characters: text.length, webhook: `/v1/webhooks/${MAPPED_KIND}/${saved.name}` });
    });

  mapping
    .command('show <source>')
    .description('print the mapping stored with a source')
    .action(async (name: string) => {
      const source = await withApp([GatewayDataModule], (app) => app.get(SourcesRepository).findByName(name));
      if (!source) throw new CliError(`there is no source named "${name}"`);
      if (!source.mapping) throw new CliError(`source "${name}" has no mapping`);
      process.stdout.write(source.mapping.endsWith('\n') ? source.mapping : `${source.mapping}\n`);
    });
}

import { join } from 'node:path';

/**
 * Node.js 24 sizes V8's young generation from the heap ceiling: on a 24 GB machine each of its two
 * semi-spaces grows to 64 MB (Node.js 20 stopped at 16). A service that allocates fast keeps them
 * full, so 128 MB of its RSS is young garbage. At 16 MB, account-health drained a backlog as fast,
 * at the same CPU per event, in 530 instead of 650 MB, and the gateway took batches as fast in
 * ~370 instead of ~450 MB (docs/BENCHMARKS.md, "Memory").
 */
const YOUNG_GENERATION_16_MB = '--max-semi-space-size=16';

/**
 * The Node.js options a service is started with, the same wherever it is started: `forewarn
 * start`, the Docker image, the end-to-end tests and the benchmarks.
 *
 * The dashboard gets a heap ceiling of 512 MB, for how V8 sizes the heap below it rather than for
 * the ceiling itself. Its heap keeps ~30 MB between requests; under the default ceiling (a quarter
 * of the machine's memory, 4 GB here) V8 lets the old generation grow to 4× what survived the
 * last full collection before the next one, which under 8 connections of overview pages was
 * ~90 MB of dead requests' data and 220–250 MB of RSS. Under a ceiling of less than 2 GB it grows
 * by 1.3–2× instead (1.4× at 512 MB) and collects more often, at no measurable cost in latency
 * (docs/BENCHMARKS.md, "Dashboard API"). 512 MB is still many times what the dashboard needs.
 */
const NODE_ARGS: Readonly<Record<string, readonly string[]>> = {
  dashboard: ['--max-old-space-size=512'],
  'account-health': [YOUNG_GENERATION_16_MB],
  gateway: [YOUNG_GENERATION_16_MB],
};

/**
 * Every service starts tracing before anything else is loaded (telemetry-register.ts), so there is
 * one place for it however the service is started. Compiled, the register file is beside this one.
 */
const TRACING = ['--require', join(__dirname, 'telemetry-register.js')];

export const nodeArgsFor = (service: string): string[] => [...TRACING, ...(NODE_ARGS[service] ?? [])];

// `node node-args.js <service>` prints them, for the Docker image's start command.
if (require.main === module) process.stdout.write(nodeArgsFor(process.argv[2] ?? '').join(' '));

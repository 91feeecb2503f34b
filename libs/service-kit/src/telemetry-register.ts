/**
 * `node --require …/telemetry-register.js` (node-args.ts: every service is started so) starts
 * tracing before anything else is loaded, so every span and log line of the process can have it.
 * A bad `OTEL_*` setting stops the start with one clear line, like any other setting.
 */
import { loadTelemetryConfigOrExit } from '@forewarn/config';
import { serviceOfMainScript, startTelemetry } from './telemetry';

const service = serviceOfMainScript(process.argv[1]);
startTelemetry(service, loadTelemetryConfigOrExit(service));

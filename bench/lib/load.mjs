// A closed-loop HTTP load generator: `concurrency` keep-alive connections, each sending the next
// request as soon as the previous one is answered, for a fixed time after a warm-up.
import { Agent, request } from 'node:http';
import { summary } from './stack.mjs';

function send(agent, method, url, headers, body) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const length = body === undefined ? {} : { 'content-length': Buffer.byteLength(body) };
    let bytes = 0;
    const req = request(url, { method, agent, headers: { ...headers, ...length } }, (res) => {
      res.on('data', (chunk) => {
        bytes += chunk.length;
      });
      res.on('end', () => resolve({ status: res.statusCode, bytes, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on('error', () => resolve({ status: -1, bytes, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    req.end(body);
  });
}

/**
 * `makeBody()` returns `{ body, events }` (a fresh request each time), or `{ path }` to send this
 * one to another path of `url` (e.g. a different account each time). Counts only what was answered
 * `expectStatus` inside the measured window.
 */
export async function runLoad({ url, headers, makeBody, method = 'POST', expectStatus = 202, concurrency = 32, durationMs = 15_000, warmupMs = 3_000 }) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const start = Date.now();
  const measureFrom = start + warmupMs;
  const until = measureFrom + durationMs;
  let requests = 0;
  let events = 0;
  let bytes = 0;
  const statuses = {};
  const latencies = [];
  const worker = async () => {
    while (Date.now() < until) {
      const { body, events: n = 1, path } = makeBody();
      const sentAt = Date.now();
      const result = await send(agent, method, path ? new URL(path, url) : url, headers, body);
      if (sentAt < measureFrom) continue;
      statuses[result.status] = (statuses[result.status] ?? 0) + 1;
      if (result.status === expectStatus) {
        requests += 1;
        events += n;
        bytes += result.bytes;
        latencies.push(result.ms);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (Date.now() - measureFrom) / 1000;
  agent.destroy();
  const lat = summary(latencies);
  return {
    seconds: Number(seconds.toFixed(1)),
    requestsPerSecond: Math.round(requests / seconds),
    eventsPerSecond: Math.round(events / seconds),
    statuses,
    kbPerResponse: requests ? Math.round(bytes / requests / 1024) : null,
    latencyMs: { p50: round(lat.p50), p95: round(lat.p95), p99: round(lat.p99), max: round(lat.max) },
  };
}

const round = (v) => (v === null ? null : Number(v.toFixed(1)));

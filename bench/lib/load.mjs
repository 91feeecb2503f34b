// A closed-loop HTTP load generator: `concurrency` keep-alive connections, each sending the next
// request as soon as the previous one is answered, for a fixed time after a warm-up.
import { Agent, request } from 'node:http';
import { summary } from './stack.mjs';

function post(agent, url, headers, body) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on('error', () => resolve({ status: -1, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    req.end(body);
  });
}

/**
 * `makeBody()` returns `{ body, events }` (a fresh request each time). Counts only what was
 * answered 202 inside the measured window.
 */
export async function runLoad({ url, headers, makeBody, concurrency = 32, durationMs = 15_000, warmupMs = 3_000 }) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const start = Date.now();
  const measureFrom = start + warmupMs;
  const until = measureFrom + durationMs;
  let requests = 0;
  let events = 0;
  const statuses = {};
  const latencies = [];
  const worker = async () => {
    while (Date.now() < until) {
      const { body, events: n } = makeBody();
      const sentAt = Date.now();
      const { status, ms } = await post(agent, url, headers, body);
      if (sentAt < measureFrom) continue;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 202) {
        requests += 1;
        events += n;
        latencies.push(ms);
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
    latencyMs: { p50: round(lat.p50), p95: round(lat.p95), p99: round(lat.p99), max: round(lat.max) },
  };
}

const round = (v) => (v === null ? null : Number(v.toFixed(1)));

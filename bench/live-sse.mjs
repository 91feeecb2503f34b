// What the live stream costs the dashboard: server CPU per connected client per update.
//
// Runs the dashboard's LiveHub (dist/, so `npm run build` first) behind a plain HTTP server with
// CLIENTS server-sent-event connections held by a child process (its CPU is not counted), then
// publishes UPDATES changes and measures this process's CPU time (user + system) from the first
// publish until every client has read every frame it was sent. Half the clients are reps of the
// team whose accounts change (they get each change), half of another team (filtered out), so both
// the visibility check and the write are in the figure. Kafka and the audience look-up happen once
// per change, not per client, and are not counted.
//
//   node bench/live-sse.mjs [clients=1000] [updates=200]
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const CLIENTS = Number(process.argv[2] ?? 1000);
const UPDATES = Number(process.argv[3] ?? 200);

if (process.env.LIVE_SSE_CLIENTS_OF) {
  // The clients: hold the streams open and count the frames each gets.
  const { request } = await import('node:http');
  const [port, clients] = process.env.LIVE_SSE_CLIENTS_OF.split(':').map(Number);
  let frames = 0;
  let open = 0;
  for (let i = 0; i < clients; i++) {
    request({ host: '127.0.0.1', port, path: `/live?user=${i}`, agent: false }, (response) => {
      open += 1;
      if (open === clients) process.send({ open });
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        frames += chunk.split('\n\n').length - 1;
        process.send({ frames });
      });
    }).end();
  }
} else {
  const { LiveHub } = require('../dist/apps/dashboard/src/live/live-hub.js');
  const hub = new LiveHub({ maxPerUser: 5, bufferSize: 1000, instance: 'bench' });
  const server = createServer((request, response) => {
    const i = Number(new URL(request.url, 'http://x').searchParams.get('user'));
    const user = { email: `rep${i}@sales.example`, name: null, role: 'rep', team: i % 2 === 0 ? 'enterprise' : 'smb' };
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    response.write('retry: 3000\n\n');
    const connection = hub.connect(user, { write: (frame) => response.write(frame), end: () => response.end() }, null);
    request.on('close', () => hub.disconnect(connection));
  });
  server.listen(0, '127.0.0.1', async () => {
    const { port } = server.address();
    const clients = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, LIVE_SSE_CLIENTS_OF: `${port}:${CLIENTS}` } });
    let frames = 0;
    const opened = new Promise((resolve) => clients.on('message', (m) => { if (m.open) resolve(); if (m.frames !== undefined) frames = m.frames; }));
    await opened;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const baseline = frames;
    const audience = { ownerEmail: 'jo@sales.example', team: 'enterprise', leadEmail: null, memberEmails: [] };
    const sentToEach = Math.ceil(CLIENTS / 2);
    const start = process.cpuUsage();
    const wall = process.hrtime.bigint();
    for (let u = 0; u < UPDATES; u++) {
      hub.publish({ type: 'health', accountId: `acct-${u}`, accountName: `Account ${u}`, state: 'firestorm', score: 0, previousState: 'at_risk', previousScore: 40 }, audience);
      if (u % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
    }
    while (frames - baseline < sentToEach * UPDATES) await new Promise((resolve) => setTimeout(resolve, 5));
    const cpu = process.cpuUsage(start);
    const wallMs = Number(process.hrtime.bigint() - wall) / 1e6;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const perClientUpdate = (cpuMs * 1000) / (CLIENTS * UPDATES);
    console.log(JSON.stringify({
      clients: CLIENTS, updates: UPDATES, framesDelivered: frames - baseline, serverCpuMs: Math.round(cpuMs), wallMs: Math.round(wallMs),
      cpuMicrosecondsPerClientPerUpdate: Math.round(perClientUpdate * 100) / 100,
      cpuMicrosecondsPerFrameSent: Math.round(((cpuMs * 1000) / (sentToEach * UPDATES)) * 100) / 100,
    }, null, 2));
    clients.kill();
    hub.closeAll();
    server.close();
    process.exit(0);
  });
}

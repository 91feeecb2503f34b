import { join } from 'node:path';
import { nodeArgsFor } from './node-args';

const TRACING = ['--require', join(__dirname, 'telemetry-register.js')];

describe("a service's Node.js options", () => {
  it('start tracing before anything else is loaded, in every service', () => {
    for (const service of ['gateway', 'account-health', 'notifier', 'dashboard']) expect(nodeArgsFor(service).slice(0, 2)).toEqual(TRACING);
  });

  it('give the dashboard a heap ceiling, so V8 grows its heap by less than 4× between collections', () => {
    expect(nodeArgsFor('dashboard')).toEqual([...TRACING, '--max-old-space-size=512']);
  });

  it('keep the young generation of the busiest services at 16 MB a semi-space (Node.js 24 grows it to 64 on a large machine)', () => {
    expect(nodeArgsFor('account-health')).toEqual([...TRACING, '--max-semi-space-size=16']);
    expect(nodeArgsFor('gateway')).toEqual([...TRACING, '--max-semi-space-size=16']);
  });

  it('are nothing else for the other services, and a copy each time', () => {
    expect(nodeArgsFor('notifier')).toEqual(TRACING);
    nodeArgsFor('dashboard').push('--changed');
    expect(nodeArgsFor('dashboard')).toEqual([...TRACING, '--max-old-space-size=512']);
  });

});

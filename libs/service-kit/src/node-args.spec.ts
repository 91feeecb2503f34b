import { join } from 'node:path';
import { nodeArgsFor } from './node-args';

const TRACING = ['--require', join(__dirname, 'telemetry-register.js')];

describe("a service's Node.js options", () => {
  it('start tracing before anything else is loaded, in every service', () => {
    for (const service of ['gateway', 'account-health', 'notifier', 'dashboard']) expect(nodeArgsFor(service).slice(0, 2)).toEqual(TRACING);
  });

  it('give the dashboard and account-health a heap ceiling, so V8 collects before garbage piles up', () => {
    expect(nodeArgsFor('dashboard')).toEqual([...TRACING, '--max-old-space-size=512']);
    expect(nodeArgsFor('account-health')).toEqual([...TRACING, '--max-old-space-size=192']);
  });

  it('are nothing else for the other services, and a copy each time', () => {
    expect(nodeArgsFor('gateway')).toEqual(TRACING);
    nodeArgsFor('dashboard').push('--changed');
    expect(nodeArgsFor('dashboard')).toEqual([...TRACING, '--max-old-space-size=512']);
  });

});

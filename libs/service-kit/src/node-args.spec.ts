import { nodeArgsFor } from './node-args';

describe("a service's Node.js options", () => {
  it('give the dashboard a heap ceiling, so V8 grows its heap by less than 4× between collections', () => {
    expect(nodeArgsFor('dashboard')).toEqual(['--max-old-space-size=512']);
  });

  it('are none for the other services, and a copy each time', () => {
    expect(nodeArgsFor('gateway')).toEqual([]);
    nodeArgsFor('dashboard').push('--changed');
    expect(nodeArgsFor('dashboard')).toEqual(['--max-old-space-size=512']);
  });

});

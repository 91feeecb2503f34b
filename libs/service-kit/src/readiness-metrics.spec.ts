import { Metrics } from './metrics';
import { Readiness } from './readiness';
import { ReadinessMetrics } from './readiness-metrics';

describe('readiness on /metrics', () => {
  it('says for each dependency whether it answers now, as /readyz does', async () => {
    const readiness = new Readiness();
    const metrics = new Metrics();
    metrics.setService('notifier');
    new ReadinessMetrics(readiness, metrics);
    let smtpUp = false;
    readiness.register('postgres', async () => true);
    readiness.register('smtp', async () => smtpUp);
    readiness.register('kafka', async () => { throw new Error('connect ECONNREFUSED'); });

    const ready = async () => (await metrics.registry.getSingleMetricAsString('forewarn_ready')).split('\n').filter((line) => !line.startsWith('#'));
    expect(await ready()).toEqual([
      'forewarn_ready{dependency="postgres",service="notifier"} 1',
      'forewarn_ready{dependency="smtp",service="notifier"} 0',
      'forewarn_ready{dependency="kafka",service="notifier"} 0',
    ]);
    smtpUp = true;
    expect(await ready()).toContain('forewarn_ready{dependency="smtp",service="notifier"} 1');
  });
});

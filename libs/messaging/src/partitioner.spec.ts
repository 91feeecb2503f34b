import { type PartitionMetadata, Partitioners } from 'kafkajs';
import { RememberingPartitioner } from './partitioner';

const partitions = (count: number): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));

describe('remembering partitioner', () => {
  it("gives every key the default partitioner's partition, again and again, and follows a change of partition count", () => {
    const remembering = RememberingPartitioner();
    const byDefault = Partitioners.DefaultPartitioner();
    const keys = [...Array.from({ length: 500 }, (_, i) => `acct-${i}`), 'domain:example.com', 'external:ü-42', ''];
    for (const count of [6, 6, 12, 1, 6]) {
      const partitionMetadata = partitions(count);
      for (const key of keys) {
        const args = { topic: 'events', partitionMetadata, message: { key, value: 'x' } };
        expect(remembering(args)).toBe(byDefault(args));
      }
    }
  });

  it('leaves explicit partitions and Buffer keys to the default', () => {
    const remembering = RememberingPartitioner();
    const partitionMetadata = partitions(6);
    expect(remembering({ topic: 'events', partitionMetadata, message: { key: 'a', value: 'x', partition: 4 } })).toBe(4);
    const byDefault = Partitioners.DefaultPartitioner();
    const args = { topic: 'events', partitionMetadata, message: { key: Buffer.from('acct-7'), value: 'x' } };
    expect(remembering(args)).toBe(byDefault(args));
  });
});

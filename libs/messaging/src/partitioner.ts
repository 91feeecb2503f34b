import { type ICustomPartitioner, type PartitionerArgs, Partitioners } from 'kafkajs';

/** Enough for every account of a large install; past it the memory is simply started afresh. */
const MAX_REMEMBERED_KEYS = 100_000;

/**
 * kafkajs' default partitioner (murmur2 of the key, as Java clients and direct producers compute
 * it), remembering each string key's partition. Its murmur2 runs on 64-bit Long objects and
 * allocates per byte group, a few % of the gateway's CPU, while the same few thousand account
 * keys come back all the time. A key's partition depends only on the topic's partition count, so
 * the memory is per topic and forgotten when that count changes: the answers are the default's.
 */
export const RememberingPartitioner: ICustomPartitioner = () => {
  const partitionOf = Partitioners.DefaultPartitioner();
  const byTopic = new Map<string, { partitionCount: number; byKey: Map<string, number> }>();
  return (args: PartitionerArgs): number => {
    const { topic, partitionMetadata, message } = args;
    const key = message.key;
    if (typeof key !== 'string' || (message.partition !== undefined && message.partition !== null)) return partitionOf(args);
    let memory = byTopic.get(topic);
    if (!memory || memory.partitionCount !== partitionMetadata.length) {
      memory = { partitionCount: partitionMetadata.length, byKey: new Map() };
      byTopic.set(topic, memory);
    }
    let partition = memory.byKey.get(key);
    if (partition === undefined) {
      partition = partitionOf(args);
      if (memory.byKey.size >= MAX_REMEMBERED_KEYS) memory.byKey.clear();
      memory.byKey.set(key, partition);
    }
    return partition;
  };
};

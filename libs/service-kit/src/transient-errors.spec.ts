import { QueryFailedError } from 'typeorm';
import { isTransientDatabaseError } from './transient-errors';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isTransientDatabaseError', () => {
  it.each([
    ['admin shutdown (pg_terminate_backend)', pgError('57P01', 'terminating connection due to administrator command')],
    ['connection failure', pgError('08006')],
    ['deadlock', pgError('40P01', 'deadlock detected')],
    ['serialization failure', pgError('40001')],
    ['too many connections', pgError('53300')],
    ['a read-only server after a failover', pgError('25006')],
    ['a broken pipe', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })],
    ['a name that does not resolve yet', Object.assign(new Error('getaddrinfo EAI_AGAIN db'), { code: 'EAI_AGAIN' })],
    ['a dropped socket', new Error('Connection terminated unexpectedly')],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['wrapped by TypeORM', new QueryFailedError('SELECT 1', [], pgError('57P01'))],
  ])('retries %s', (_, error) => expect(isTransientDatabaseError(error)).toBe(true));

  it.each([
    ['bad input for a column', pgError('22P02', 'invalid input syntax for type integer')],
    ['a violated constraint', pgError('23502', 'null value in column "status"')],
    ['unsupported JSON', new QueryFailedError('INSERT', [], pgError('22P05', 'unsupported Unicode escape sequence'))],
    ['out of memory (a smaller batch may pass)', pgError('53200')],
    ['a bug in our code', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error', 'nope'],
  ])('does not retry %s', (_, error) => expect(isTransientDatabaseError(error)).toBe(false));
});

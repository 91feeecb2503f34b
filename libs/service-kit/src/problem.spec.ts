import { HttpException } from '@nestjs/common';
import { dependencyOutage, Problem } from './problem';

describe('a request that fails because a dependency is down', () => {
  it('is a 503 to retry after a while when PostgreSQL cannot be reached or is shutting down', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const shuttingDown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    for (const error of [refused, shuttingDown, { driverError: shuttingDown, message: 'query failed' }]) {
      const problem = dependencyOutage(error);
      expect(problem).toBeInstanceOf(Problem);
      expect(problem).toMatchObject({ status: 503, title: 'Service Unavailable', extra: { headers: { 'Retry-After': '5' } } });
    }
  });

  it('leaves every other error as it is', () => {
    expect(dependencyOutage(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBeNull();
    expect(dependencyOutage(new TypeError('cannot read properties of undefined'))).toBeNull();
    expect(dependencyOutage(new Problem(400, 'Bad Request', 'no'))).toBeNull();
    expect(dependencyOutage(new HttpException('connection refused', 502))).toBeNull();
  });
});

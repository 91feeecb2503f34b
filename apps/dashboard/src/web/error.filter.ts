import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Injectable, Logger } from '@nestjs/common';
import { PasswordHashingBusy } from '@forewarn/database';
import { dependencyOutage, Problem, ProblemFilter } from '@forewarn/service-kit';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { AuthedRequest } from '../common/authed-request';
import { InvalidParameter } from '../common/query-params';
import { errorPage } from './error.page';
import { LoginRequired } from './login-required';
import { PageContexts } from './page-context';
import { sendPage } from './send-page';

const API_OR_OPS = /^\/(api|healthz|readyz|metrics|assets)(\/|$)/;

/**
 * Errors leave the API as problem+json (via the shared ProblemFilter) and the web pages as an
 * HTML page in the layout; a page that needs a signed-in user redirects to the login page.
 */
@Catch()
@Injectable()
export class DashboardErrorFilter implements ExceptionFilter {
  private readonly problems = new ProblemFilter();
  private readonly logger = new Logger('http');

  constructor(private readonly pages: PageContexts) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<AuthedRequest>();
    const response = host.switchToHttp().getResponse<Response>();
    if (error instanceof LoginRequired) {
      response.redirect(303, `/login?next=${encodeURIComponent(error.next)}`);
      return;
    }
    const problem = error instanceof InvalidParameter
      ? new Problem(400, 'Bad Request', `The query parameter "${error.parameter}" ${error.problem}.`, { errors: [{ field: error.parameter, message: error.problem }] })
      : error instanceof PasswordHashingBusy
        ? new Problem(503, 'Service Unavailable', 'Too many sign-ins are being checked right now. Try again in a moment.', { headers: { 'Retry-After': '2' } })
        : dependencyOutage(error) ?? error;
    if (!this.wantsPage(request)) {
      this.problems.catch(problem, host);
      return;
    }
    let status = 500;
    let detail: string;
    if (problem instanceof Problem) {
      status = problem.status;
      detail = problem.detail;
      for (const [name, value] of Object.entries(problem.extra.headers ?? {})) response.setHeader(name, value);
    } else if (problem instanceof HttpException) {
      status = problem.getStatus();
      detail = status === 404 ? 'There is no page at this address.' : problem.message;
    } else {
      const errorId = randomUUID();
      this.logger.error({ msg: 'unhandled error', errorId, url: request.url, error: (problem as Error)?.stack ?? String(problem) });
      detail = `An unexpected error occurred. If it happens again, quote error id ${errorId}.`;
    }
    sendPage(response, errorPage(status, detail, this.pages.ofAnyone(request)), status);
  }

  private wantsPage(request: AuthedRequest): boolean {
    if (API_OR_OPS.test(request.path)) return false;
    if (request.is('application/json') && !(request.headers.accept ?? '').includes('text/html')) return false;
    return (request.headers.accept ?? '').includes('text/html') || request.method === 'POST';
  }
}

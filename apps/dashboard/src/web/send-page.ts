import type { Response } from 'express';
import type { Html } from './html';

/** Pages are personal and change all the time: never cached. */
export function sendPage(response: Response, page: Html, status = 200): void {
  response.status(status).setHeader('Cache-Control', 'no-store');
  response.type('text/html; charset=utf-8').send(page.value);
}

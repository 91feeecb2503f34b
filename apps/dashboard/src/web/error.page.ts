import { type Html, html } from './html';
import { layout, type PageContext } from './layout';

const TITLES: Record<number, string> = {
  400: 'That request is not quite right',
  403: 'Not allowed',
  404: 'Not found',
  500: 'Something went wrong',
  503: 'Not available right now',
};

export function errorPage(status: number, detail: string, ctx: PageContext | null): Html {
  const title = TITLES[status] ?? 'Something went wrong';
  const body = html`<div class="card"><h1>${title}</h1><p>${detail}</p><p><a href="/">Back to the accounts</a></p></div>`;
  return layout(title, ctx, body);
}

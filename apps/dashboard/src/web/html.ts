/**
 * HTML from template literals that escapes everything it is given, so text from a support
 * system (titles, comments, names) can never become markup. Only `Html` values — built by
 * `html` itself or explicitly by `raw` — are inserted as they are.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export const escapeHtml = (value: unknown): string => String(value ?? '').replace(/[&<>"'`]/g, (c) => ESCAPES[c]);

/** Interpolation: Html stays, arrays are joined, null/undefined/false vanish, everything else is escaped text. */
function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/** Markup we wrote ourselves (inline SVG paths, the layout's CSS). Never pass user input here. */
export const raw = (markup: string): Html => new Html(markup);

/** A URL query string from the values that are set, for links that keep the filters. */
export function queryString(params: Record<string, string | readonly string[] | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : String(value);
    if (text !== '') search.set(key, text);
  }
  const encoded = search.toString();
  return encoded ? `?${encoded}` : '';
}

/** Serialises data for an inline <script type="application/json">, safe against `</script>`. */
export const jsonForScript = (value: unknown): Html =>
  raw(JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029'));

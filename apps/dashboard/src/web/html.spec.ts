import { escapeHtml, html, jsonForScript, queryString, raw } from './html';

describe('html templates', () => {
  it('escapes text from support systems so it cannot become markup', () => {
    const title = '<script>alert("pwned")</script> & \'more\'';
    expect(html`<td>${title}</td>`.value).toBe('<td>&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &#39;more&#39;</td>');
  });

  it('escapes values inside attributes', () => {
    expect(html`<a href="/accounts/${'x" onclick="evil()'}">`.value).toBe('<a href="/accounts/x&quot; onclick=&quot;evil()">');
  });

  it('nests templates and lists without escaping them twice', () => {
    const rows = ['a<b', 'c'].map((name) => html`<li>${name}</li>`);
    expect(html`<ul>${rows}</ul>`.value).toBe('<ul><li>a&lt;b</li><li>c</li></ul>');
  });

  it('drops null, undefined and false, and prints numbers and zero', () => {
    expect(html`${null}${undefined}${false}${0}${42}`.value).toBe('042');
  });

  it('inserts raw markup only when asked', () => {
    expect(html`${raw('<path d="M0,0"/>')}`.value).toBe('<path d="M0,0"/>');
    expect(escapeHtml('`')).toBe('&#96;');
  });

  it('builds query strings from the set filters only', () => {
    expect(queryString({ state: ['at_risk', 'firestorm'], team: '', q: null, owner: 'jo@x.example' })).toBe('?state=at_risk%2Cfirestorm&owner=jo%40x.example');
    expect(queryString({})).toBe('');
  });

  it('embeds JSON in a script without letting it close the script', () => {
    expect(jsonForScript({ t: '</script><b>' }).value).toBe('{"t":"\\u003c/script\\u003e\\u003cb\\u003e"}');
  });
});

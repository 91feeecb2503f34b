/**
 * A small, strict XML reader for the fixed envelopes vendors post (Salesforce's SOAP outbound
 * messages): elements, attributes, text, CDATA and the five predefined and numeric character
 * references. It refuses what such an envelope never has and what makes XML dangerous to read:
 * a DOCTYPE (so no entity expansion, no external entities), processing instructions other than the
 * XML declaration, more than `maxDepth` levels or `maxElements` elements. Names keep their prefix
 * (`sf:Id`); `local` is the name without it.
 */
export interface XmlElement {
  name: string;
  local: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (CDATA included), concatenated, entity references decoded. */
  text: string;
}

export class XmlError extends Error {}

const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/;

function decode(text: string, at: number): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new XmlError(`an unterminated character reference near offset ${at}`);
    if (ref[0] === '#') {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new XmlError(`an invalid character reference near offset ${at}`);
      return String.fromCodePoint(code);
    }
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (!(ref in named)) throw new XmlError(`the undeclared entity &${ref}; near offset ${at}`);
    return named[ref];
  });
}

export function parseXml(source: string, limits: { maxDepth?: number; maxElements?: number } = {}): XmlElement {
  const maxDepth = limits.maxDepth ?? 64;
  const maxElements = limits.maxElements ?? 50_000;
  let i = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  const fail = (what: string): never => {
    throw new XmlError(`${what} at offset ${i}`);
  };
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const textEnd = lt === -1 ? source.length : lt;
    if (textEnd > i) {
      const text = source.slice(i, textEnd);
      if (stack.length > 0) stack[stack.length - 1].text += decode(text, i);
      else if (text.trim() !== '') fail('text outside the root element');
      i = textEnd;
      continue;
    }
    if (source.startsWith('<?', i)) {
      const end = source.indexOf('?>', i);
      if (end === -1) fail('an unterminated processing instruction');
      if (!/^<\?xml\s/.test(source.slice(i, i + 6)) || root || stack.length > 0) fail('a processing instruction other than the XML declaration');
      i = end + 2;
    } else if (source.startsWith('<!--', i)) {
      const end = source.indexOf('-->', i + 4);
      if (end === -1) fail('an unterminated comment');
      i = end + 3;
    } else if (source.startsWith('<![CDATA[', i)) {
      const end = source.indexOf(']]>', i + 9);
      if (end === -1 || stack.length === 0) fail('a CDATA section outside an element');
      stack[stack.length - 1].text += source.slice(i + 9, end);
      i = end + 3;
    } else if (source.startsWith('<!', i)) {
      fail('a DOCTYPE or declaration (not accepted)');
    } else if (source.startsWith('</', i)) {
      const name = NAME.exec(source.slice(i + 2))?.[0];
      const end = source.indexOf('>', i);
      if (!name || end === -1 || source.slice(i + 2 + name.length, end).trim() !== '') fail('a malformed end tag');
      const open = stack.pop();
      if (!open || open.name !== name) fail(`the end tag </${name}> without its start tag`);
      i = end + 1;
    } else {
      const name = NAME.exec(source.slice(i + 1))?.[0];
      if (!name) fail('a malformed start tag');
      let j = i + 1 + (name as string).length;
      const attributes: Record<string, string> = {};
      for (;;) {
        const ws = /^\s*/.exec(source.slice(j))?.[0].length ?? 0;
        j += ws;
        if (source.startsWith('/>', j) || source[j] === '>') break;
        if (ws === 0) fail('a malformed attribute');
        const attr = NAME.exec(source.slice(j))?.[0];
        if (!attr) fail('a malformed attribute');
        j += (attr as string).length;
        const eq = /^\s*=\s*(["'])/.exec(source.slice(j));
        if (!eq) fail('an attribute without a quoted value');
        j += (eq as RegExpExecArray)[0].length;
        const close = source.indexOf((eq as RegExpExecArray)[1], j);
        if (close === -1) fail('an unterminated attribute value');
        const raw = source.slice(j, close);
        if (raw.includes('<')) fail('"<" in an attribute value');
        attributes[attr as string] = decode(raw, j);
        j = close + 1;
      }
      const selfClosing = source.startsWith('/>', j);
      const element: XmlElement = { name: name as string, local: (name as string).replace(/^[^:]*:/, ''), attributes, children: [], text: '' };
      if (++count > maxElements) fail(`more than ${maxElements} elements`);
      if (stack.length > 0) stack[stack.length - 1].children.push(element);
      else if (root) fail('a second root element');
      else root = element;
      if (!selfClosing) {
        if (stack.length >= maxDepth) fail(`more than ${maxDepth} levels`);
        stack.push(element);
      }
      i = j + (selfClosing ? 2 : 1);
    }
  }
  if (stack.length > 0) throw new XmlError(`the element <${stack[stack.length - 1].name}> is not closed`);
  if (!root) throw new XmlError('no root element');
  return root;
}

/** The first child with this local name. */
export const child = (element: XmlElement | undefined, local: string): XmlElement | undefined => element?.children.find((c) => c.local === local);
export const childrenNamed = (element: XmlElement | undefined, local: string): XmlElement[] => element?.children.filter((c) => c.local === local) ?? [];

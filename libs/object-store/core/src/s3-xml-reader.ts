/**
 * A strict, small XML reader for S3 request documents: one pass over the text that checks
 * well-formedness and builds a tree of elements by local name (namespace prefixes dropped,
 * attributes checked and ignored). It replaces a general parser that, with its validator, took
 * 0.2–1 s of the event loop for a 10,000-part CompleteMultipartUpload (1.6 MB), during which the
 * replica served nothing else.
 *
 * What it accepts is XML 1.0 without a document type declaration (the caller refuses `<!DOCTYPE`
 * and `<!ENTITY` before this runs): an optional XML declaration, comments and processing
 * instructions (skipped), one root element, elements with attributes, character data with the five
 * predefined entities and character references (decoded by the caller's `decodeText`), and CDATA
 * sections. Anything else is an {@link XmlSyntaxError} naming the offset. Nesting is bounded by
 * {@link xmlDepthMax}; everything else by the document's size, which the caller bounds.
 */

/** One element: its child elements by local name, in document order, and its character data. */
export interface XmlElement {
  /** The local name (any namespace prefix dropped). */
  readonly name: string;
  /** Child elements by local name; undefined for an element without any (most of them). */
  children: Map<string, XmlElement[]> | undefined;
  /** Character data outside CDATA sections, entities decoded, in document order. */
  text: string;
  /** The contents of its CDATA sections, in document order; undefined when it has none. */
  cdata: string | undefined;
}

/** Deepest nesting accepted (S3 documents nest four levels at most). */
export const xmlDepthMax = 64;

export class XmlSyntaxError extends Error {
  constructor(reason: string, offset: number) {
    super(`${reason} at offset ${offset}`);
    this.name = 'XmlSyntaxError';
  }
}

/**
 * A Name's characters (XML 1.0 §2.3, with the non-ASCII ranges taken whole: refusing some of them
 * gains nothing here). Checked by code unit, as regular expressions allocated a match per name and
 * garbage collection dominated a 10,000-part document.
 */
function isNameStart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code === 0x3a || code >= 0xc0;
}

function isNameChar(code: number): boolean {
  return isNameStart(code) || (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x2e || code === 0xb7;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

/**
 * Reads `text` into its root element. `decodeText` decodes one run of character data (entities);
 * it may throw its own error for a bad reference.
 * @throws XmlSyntaxError when the text is not a well-formed document.
 */
export function readXml(text: string, decodeText: (raw: string) => string): XmlElement {
  let position = 0;
  const length = text.length;
  const stack: XmlElement[] = [];
  /** The open elements' names as written (with any prefix), which their end tags must repeat. */
  const qualifiedStack: string[] = [];
  let root: XmlElement | undefined;

  const fail = (reason: string, at = position): never => {
    throw new XmlSyntaxError(reason, at);
  };
  const skipSpace = (): boolean => {
    const start = position;
    while (position < length && isSpace(text.charCodeAt(position))) position++;
    return position > start;
  };
  const readName = (): string => {
    const start = position;
    if (!isNameStart(text.charCodeAt(position))) return fail('a name was expected');
    position++;
    while (position < length && isNameChar(text.charCodeAt(position))) position++;
    return text.slice(start, position);
  };
  const skipUntil = (terminator: string, what: string): number => {
    const end = text.indexOf(terminator, position);
    if (end < 0) fail(`unterminated ${what}`);
    const start = position;
    position = end + terminator.length;
    return start;
  };

  // The XML declaration, only at the very start.
  if (text.startsWith('<?xml') && /[ \t\r\n?]/.test(text.charAt(5))) skipUntil('?>', 'XML declaration');

  while (position < length) {
    const open = text.indexOf('<', position);
    const textEnd = open < 0 ? length : open;
    if (textEnd > position) {
      const raw = text.slice(position, textEnd);
      const current = stack.at(-1);
      if (current === undefined) {
        if (raw.trim() !== '') fail('text outside the root element');
      } else {
        if (raw.includes(']]>')) fail('"]]>" in character data', position + raw.indexOf(']]>'));
        current.text += decodeText(raw);
      }
      position = textEnd;
      if (open < 0) break;
    }
    // At '<'.
    const next = text.charCodeAt(position + 1);
    if (next === 0x2f /* / */) {
      const tagStart = position;
      position += 2;
      const name = readName();
      skipSpace();
      if (text.charCodeAt(position) !== 0x3e /* > */) fail('">" expected after an end tag name');
      position++;
      const opened = qualifiedStack.pop();
      if (opened === undefined) return fail(`end tag </${name}> without a start tag`, tagStart);
      if (opened !== name) fail(`end tag </${name}> does not match <${opened}>`, tagStart);
      stack.pop();
      continue;
    }
    if (next === 0x3f /* ? */) {
      position += 2;
      if (readName().toLowerCase() === 'xml') fail('an XML declaration must come first');
      skipUntil('?>', 'processing instruction');
      continue;
    }
    if (next === 0x21 /* ! */) {
      if (text.startsWith('<!--', position)) {
        position += 4;
        const start = skipUntil('-->', 'comment');
        if (text.slice(start, position - 3).includes('--') || text.charCodeAt(position - 4) === 0x2d) fail('"--" inside a comment', start);
        continue;
      }
      if (text.startsWith('<![CDATA[', position)) {
        const current = stack.at(-1);
        if (current === undefined) fail('CDATA outside the root element');
        position += 9;
        const start = skipUntil(']]>', 'CDATA section');
        const element = current as XmlElement;
        element.cdata = (element.cdata ?? '') + text.slice(start, position - 3);
        continue;
      }
      return fail('declarations are not accepted');
    }
    // A start tag.
    position++;
    const qualifiedName = readName();
    const colon = qualifiedName.indexOf(':');
    const element: XmlElement = { name: colon < 0 ? qualifiedName : qualifiedName.slice(colon + 1), children: undefined, text: '', cdata: undefined };
    if (element.name === '' || element.name.includes(':')) fail(`${qualifiedName} is not a valid element name`);
    let attributeNames: Set<string> | undefined;
    for (;;) {
      const spaced = skipSpace();
      const code = text.charCodeAt(position);
      if (code === 0x3e /* > */ || (code === 0x2f /* / */ && text.charCodeAt(position + 1) === 0x3e)) break;
      if (!spaced) fail('space expected before an attribute');
      const attributeName = readName();
      attributeNames ??= new Set();
      if (attributeNames.has(attributeName)) fail(`attribute ${attributeName} repeated`);
      attributeNames.add(attributeName);
      skipSpace();
      if (text.charCodeAt(position) !== 0x3d /* = */) fail('"=" expected after an attribute name');
      position++;
      skipSpace();
      const quote = text.charCodeAt(position);
      const valueEnd = quote === 0x22 || quote === 0x27 ? text.indexOf(quote === 0x22 ? '"' : "'", position + 1) : -1;
      if (valueEnd < 0) fail('a quoted attribute value was expected');
      if (text.slice(position + 1, valueEnd).includes('<')) fail('"<" in an attribute value');
      position = valueEnd + 1;
    }
    const selfClosing = text.charCodeAt(position) === 0x2f;
    position += selfClosing ? 2 : 1;
    const parent = stack.at(-1);
    if (parent === undefined) {
      if (root !== undefined) fail('a second root element');
      root = element;
    } else {
      parent.children ??= new Map();
      const siblings = parent.children.get(element.name);
      if (siblings === undefined) parent.children.set(element.name, [element]);
      else siblings.push(element);
    }
    if (!selfClosing) {
      if (stack.length >= xmlDepthMax) fail(`elements nested deeper than ${xmlDepthMax}`);
      stack.push(element);
      qualifiedStack.push(qualifiedName);
    }
  }
  if (qualifiedStack.length > 0) fail(`<${qualifiedStack.at(-1) ?? ''}> is not closed`);
  if (root === undefined) fail('no root element');
  return root as XmlElement;
}

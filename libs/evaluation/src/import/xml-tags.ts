/**
 * The tags of an XML text in one pass, for checks that must not cost more than reading the text once (a file is
 * sized before a parser or ExcelJS builds anything from it). Comments, CDATA, declarations and processing
 * instructions are stepped over; a `>` inside a quoted attribute value does not end a tag. Stops at the first
 * construct that is never closed (the parser that follows refuses such a text).
 */
export interface XmlTag {
  /** The element's local name (a prefix such as `w:` or `x:` dropped). */
  name: string;
  kind: 'open' | 'close' | 'self';
  /** The tag's text between `<` and `>`. */
  text: string;
  /** Where the tag starts (its `<`) and where the text after it begins. */
  start: number;
  end: number;
}

export function* xmlTags(xml: string): Generator<XmlTag> {
  let i = 0;
  for (;;) {
    const open = xml.indexOf('<', i);
    if (open < 0) return;
    if (xml.startsWith('<!--', open) || xml.startsWith('<![CDATA[', open)) {
      const [closing, from] = xml.startsWith('<!--', open) ? ['-->', open + 4] : [']]>', open + 9];
      const end = xml.indexOf(closing, from);
      if (end < 0) return;
      i = end + closing.length;
      continue;
    }
    let quote = '';
    let end = -1;
    for (let j = open + 1; j < xml.length; j++) {
      const c = xml[j];
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') {
        end = j;
        break;
      }
    }
    if (end < 0) return;
    i = end + 1;
    const text = xml.slice(open + 1, end);
    if (text.startsWith('?') || text.startsWith('!')) continue;
    const closing = text.startsWith('/');
    const qualified = /^\/?\s*([^\s/>]+)/.exec(text)?.[1] ?? '';
    const name = qualified.slice(qualified.indexOf(':') + 1);
    yield { name, kind: closing ? 'close' : text.endsWith('/') ? 'self' : 'open', text, start: open, end: end + 1 };
  }
}

const attributePatterns = new Map<string, RegExp>();

/** An attribute's value in a tag's text (`r`, `ref`), or null. */
export function xmlAttribute(tagText: string, name: string): string | null {
  let pattern = attributePatterns.get(name);
  if (!pattern) attributePatterns.set(name, (pattern = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`)));
  const m = pattern.exec(tagText);
  return m ? (m[2] ?? m[3] ?? null) : null;
}

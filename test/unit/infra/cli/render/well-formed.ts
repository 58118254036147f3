/**
 * A small well-formedness check for the markup the renderers produce, so tests need no XML
 * parser dependency: every tag closes in order, attributes are double-quoted without raw `<`,
 * and `&` appears only as an entity. HTML void elements may be listed as allowed to stay open.
 */
const ENTITY = /&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);/g;
const ATTRIBUTES = /^(?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*="[^"<]*")*\s*$/;

export function wellFormednessProblems(markup: string, voidElements: readonly string[] = []): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  const checkText = (text: string, where: number) => {
    if (text.replace(ENTITY, '').includes('&')) problems.push(`bare & near offset ${where}`);
    if (text.includes('>')) problems.push(`raw > near offset ${where}`);
  };
  const source = markup.replace(/^\s*<!DOCTYPE[^>]*>/i, '');
  const token = /<!--[\s\S]*?-->|<(\/?)([a-zA-Z][-a-zA-Z0-9:]*)([^<>]*?)(\/?)>|</g;
  let last = 0;
  for (let match = token.exec(source); match; match = token.exec(source)) {
    checkText(source.slice(last, match.index), last);
    last = token.lastIndex;
    if (match[0].startsWith('<!--')) continue;
    const [raw, closing, name, attributes, selfClosing] = match;
    if (name === undefined) {
      problems.push(`stray < at offset ${match.index}`);
      continue;
    }
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}> at offset ${match.index}`);
      continue;
    }
    if (!ATTRIBUTES.test(attributes ?? '')) problems.push(`bad attributes in ${raw}`);
    else
      checkText(
        (attributes ?? '').replace(/"[^"]*"/g, (value) => value.replace(/[<>]/g, '')),
        match.index,
      );
    if (stack.length === 0) roots++;
    if (!selfClosing && !voidElements.includes(name.toLowerCase())) stack.push(name);
  }
  checkText(source.slice(last), last);
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`expected one root element, found ${roots}`);
  return problems;
}

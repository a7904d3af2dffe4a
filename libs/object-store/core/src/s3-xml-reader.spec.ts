/**
 * Goal: the S3 request-document reader builds the element tree of well-formed XML (prefixes
 * dropped, attributes ignored, comments and processing instructions skipped, CDATA kept apart) and
 * refuses every malformed document with an XmlSyntaxError, never a crash or a wrong tree.
 * Method: small documents for each construct and each well-formedness rule; a deep and a large one.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { readXml, type XmlElement, xmlDepthMax, XmlSyntaxError } from './s3-xml-reader.js';

const read = (text: string): XmlElement => readXml(text, (raw) => raw.replaceAll('&amp;', '&'));

/** The tree as plain data: name, text, cdata, children in order of first appearance by name. */
function shape(element: XmlElement): unknown {
  const children = [...(element.children ?? new Map<string, XmlElement[]>()).entries()].map(([name, list]) => [name, list.map(shape)]);
  return { name: element.name, text: element.text, ...(element.cdata === undefined ? {} : { cdata: element.cdata }), ...(children.length === 0 ? {} : { children }) };
}

function refuses(text: string, reason: RegExp): void {
  assert.throws(() => read(text), (error: unknown) => error instanceof XmlSyntaxError && reason.test(error.message), text);
}

describe('readXml', () => {
  it('reads elements, text, CDATA and self-closing tags; drops prefixes, attributes, comments and PIs', () => {
    const root = read(
      `<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><s3:Delete xmlns:s3="urn:x" a='1'>\n  <?pi data?><Object><Key>a &amp; b</Key><VersionId/></Object>` +
        `<Object><Key><![CDATA[<raw>]]></Key></Object><!-- - --></s3:Delete>\n<!-- after -->\n`,
    );
    assert.deepEqual(shape(root), {
      name: 'Delete',
      text: '\n  ',
      children: [
        [
          'Object',
          [
            { name: 'Object', text: '', children: [['Key', [{ name: 'Key', text: 'a & b' }]], ['VersionId', [{ name: 'VersionId', text: '' }]]] },
            { name: 'Object', text: '', children: [['Key', [{ name: 'Key', text: '', cdata: '<raw>' }]]] },
          ],
        ],
      ],
    });
  });

  it('refuses documents that are not well-formed', () => {
    refuses('<a><b></a></b>', /does not match/);
    refuses('<a>', /not closed/);
    refuses('</a>', /without a start tag/);
    refuses('<a/><b/>', /second root/);
    refuses('text<a/>', /outside the root/);
    refuses('<a/>text', /outside the root/);
    refuses('', /no root/);
    refuses('<!-- only a comment -->', /no root/);
    refuses('<1a/>', /name was expected/);
    refuses('<a b=1/>', /quoted attribute value/);
    refuses('<a b="1" b="2"/>', /repeated/);
    refuses('<a b="<"/>', /"<" in an attribute/);
    refuses('<a b="1"c="2"/>', /space expected/);
    refuses('<a b/>', /"=" expected/);
    refuses('<a><!-- x -- y --></a>', /inside a comment/);
    refuses('<a><!-- x ---></a>', /inside a comment/);
    refuses('<a><!-- open', /unterminated comment/);
    refuses('<![CDATA[x]]><a/>', /CDATA outside/);
    refuses('<a><![CDATA[x</a>', /unterminated CDATA/);
    refuses('<a>]]></a>', /"]]>" in character data/);
    refuses('<a/><?xml version="1.0"?>', /declaration must come first/);
    refuses('<a><?pi never closed</a>', /unterminated processing instruction/);
    refuses('<a><!ELEMENT a ANY></a>', /declarations are not accepted/);
    refuses('<p:/>', /not a valid element name/);
    refuses('<a></a >x', /outside the root/);
    refuses('<a></a', /">" expected/);
  });

  it('names the offset of the fault', () => {
    assert.throws(() => read('<a><b></c></a>'), /end tag <\/c> does not match <b> at offset 6/);
  });

  it('bounds nesting', () => {
    const nested = (depth: number) => '<a>'.repeat(depth) + '</a>'.repeat(depth);
    assert.equal(read(nested(xmlDepthMax)).name, 'a');
    refuses(nested(xmlDepthMax + 1), /nested deeper/);
    refuses('<a>'.repeat(100_000), /nested deeper/);
  });

  it('reads 10,000 sibling elements in order', () => {
    const parts = Array.from({ length: 10_000 }, (_, index) => `<Part><PartNumber>${index + 1}</PartNumber></Part>`).join('');
    const root = read(`<Complete>${parts}</Complete>`);
    const numbers = root.children?.get('Part')?.map((part) => Number(part.children?.get('PartNumber')?.[0]?.text));
    assert.equal(numbers?.length, 10_000);
    assert.ok(numbers?.every((value, index) => value === index + 1));
  });

  it('lets the text decoder refuse a reference', () => {
    assert.throws(
      () =>
        readXml('<a>&bogus;</a>', () => {
          throw new RangeError('bad reference');
        }),
      /bad reference/,
    );
  });
});

import { describe, it, expect } from 'vitest';
import {
  toJson, toJsonBytes, encodeJson, toXml, errorInner, listInner, escapeXml, JSON_CONTENT_TYPE, XML_CONTENT_TYPE,
} from './serialize';
import { ApiError, notFound } from '../kernel/errors';
import { JsonText } from '../kernel/json-text';

// A deliberately strict mini XML reader: throws on anything not well-formed (bad names, unbalanced tags,
// raw < or & in text, unknown entities, characters XML 1.0 forbids, trailing content).
interface XNode { name: string; attrs: Record<string, string>; children: XNode[]; text: string }
const NAME = '[A-Za-z_][A-Za-z0-9_.-]*';
// eslint-disable-next-line no-control-regex -- matching the control characters XML forbids is the point
const TEXT_OK = /^(?:[^<&\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|&(?:amp|lt|gt|quot|apos);)*$/;
const unescape = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!);

function parseXml(doc: string): XNode {
  const decl = '<?xml version="1.0" encoding="UTF-8"?>';
  if (!doc.startsWith(decl)) throw new Error('missing declaration');
  const tag = new RegExp(`<(/?)(${NAME})((?:\\s+${NAME}="[^"]*")*)\\s*>`, 'y');
  const stack: XNode[] = [];
  let root: XNode | null = null;
  let i = decl.length;
  while (i < doc.length) {
    const lt = doc.indexOf('<', i);
    const text = doc.slice(i, lt < 0 ? doc.length : lt);
    if (text) {
      if (!TEXT_OK.test(text) || stack.length === 0) throw new Error(`bad text ${JSON.stringify(text)}`);
      stack[stack.length - 1].text += unescape(text);
    }
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(doc);
    if (!m) throw new Error(`bad tag at ${lt}: ${doc.slice(lt, lt + 30)}`);
    if (m[1]) {
      const open = stack.pop();
      if (!open || open.name !== m[2] || m[3]) throw new Error(`mismatched </${m[2]}>`);
    } else {
      if (root && stack.length === 0) throw new Error('second root');
      const attrs: Record<string, string> = {};
      for (const a of m[3].matchAll(new RegExp(`(${NAME})="([^"]*)"`, 'g'))) {
        if (!TEXT_OK.test(a[2])) throw new Error('bad attribute');
        attrs[a[1]] = unescape(a[2]);
      }
      const node: XNode = { name: m[2], attrs, children: [], text: '' };
      if (stack.length) stack[stack.length - 1].children.push(node);
      else root = node;
      stack.push(node);
    }
    i = tag.lastIndex;
  }
  if (!root || stack.length) throw new Error('unclosed element');
  return root;
}
const kids = (n: XNode, name: string) => n.children.filter((c) => c.name === name);

const VM = { id: 'a1', name: 'web', cpunumber: 2, haenable: false, nic: [{ id: 'n1', isdefault: true }], tags: [] };

describe('content types', () => {
  it('match CloudStack exactly', () => {
    expect(JSON_CONTENT_TYPE).toBe('application/json; charset=UTF-8');
    expect(XML_CONTENT_TYPE).toBe('text/xml; charset=UTF-8');
  });
});

describe('listInner', () => {
  it('is {} when nothing matches, {count} past the last page, else count first then items', () => {
    expect(listInner('virtualmachine', { count: 0, items: [] })).toEqual({});
    expect(listInner('virtualmachine', { count: 7, items: [] })).toEqual({ count: 7 });
    const l = listInner('vmSnapshot', { count: 9, items: [{ id: 'x' }] });
    expect(Object.keys(l)).toEqual(['count', 'vmSnapshot']);
    expect(toJson('listvmsnapshotresponse', l)).toBe('{"listvmsnapshotresponse":{"count":9,"vmSnapshot":[{"id":"x"}]}}');
    expect(toJson('listzonesresponse', listInner('zone', { count: 0, items: [] }))).toBe('{"listzonesresponse":{}}');
  });
});

describe('errorInner', () => {
  it('has uuidList, errorcode, cserrorcode, errortext in that order', () => {
    const e = notFound('startVirtualMachine', 'id', 'x');
    const inner = errorInner(e);
    expect(Object.keys(inner)).toEqual(['uuidList', 'errorcode', 'cserrorcode', 'errortext']);
    expect(JSON.parse(toJson('startvirtualmachineresponse', inner))).toEqual({
      startvirtualmachineresponse: { uuidList: [], errorcode: 431, cserrorcode: 9999, errortext: e.message },
    });
  });

  it('omits cserrorcode when undefined (servlet-level 401)', () => {
    // ApiError's constructor defaults an undefined cserrorcode to 9999, so clear it the way a 401 helper would.
    const e = Object.assign(new ApiError(401, 'unable to verify user credentials and/or request signature'),
      { cserrorcode: undefined });
    const inner = errorInner(e);
    expect(inner).toEqual({ uuidList: [], errorcode: 401, errortext: 'unable to verify user credentials and/or request signature' });
    expect('cserrorcode' in inner).toBe(false);
  });
});

describe('toJson', () => {
  it('wraps the inner object under the response name, nested objects intact, unicode unescaped', () => {
    const s = toJson('listvirtualmachinesresponse', listInner('virtualmachine', { count: 1, items: [{ ...VM, displayname: 'é' }] }));
    expect(s).toContain('"displayname":"é"');
    expect(JSON.parse(s)).toEqual({ listvirtualmachinesresponse: { count: 1, virtualmachine: [{ ...VM, displayname: 'é' }] } });
    expect(toJson('x', { a: undefined, b: 1 })).toBe('{"x":{"b":1}}');
  });
});

describe('toJsonBytes', () => {
  it('gives exactly the UTF-8 bytes of toJson, for list pages (ASCII and not) and any other answer', () => {
    const vm = (i: number) => ({ id: `v-${i}`, name: i % 2 ? `测试机-${i}` : `vm-${i}`, nic: [{ ip: '10.0.0.1' }], tags: [], gone: undefined,
      details: { 'cpu speed': 'é"\\\n' }, odd: '\ud800' });
    const answers: object[] = [
      listInner('virtualmachine', { count: 3, items: [vm(0), vm(1), vm(2)] }),
      listInner('virtualmachine', { count: 2, items: [vm(0), vm(2)] }),
      listInner('host', { count: 1, items: [vm(0)] }), listInner('host', { count: 5, items: [] }), {},
      { count: 2, mixed: [1, 'a', null, undefined] }, { count: 2, mixed: [{ a: 1 }, undefined, null] }, { description: 'success' },
    ];
    for (const inner of answers) {
      expect(toJsonBytes('listvirtualmachinesresponse', inner).equals(Buffer.from(toJson('listvirtualmachinesresponse', inner), 'utf8'))).toBe(true);
    }
  });

  it('writes a big answer into the buffer of one released before, never into one still held', () => {
    const page = (tag: string) => listInner('virtualmachine', { count: 400, items: Array.from({ length: 400 }, (_, i) => ({ id: `${tag}-${i}`, pad: 'x'.repeat(300) })) });
    const text = (tag: string) => Buffer.from(toJson('r', page(tag)), 'utf8');
    const a = encodeJson('r', page('a'));
    const b = encodeJson('r', page('b'));
    expect(b.bytes.buffer).not.toBe(a.bytes.buffer);
    a.release!();
    const c = encodeJson('r', page('c'));
    expect(c.bytes.buffer).toBe(a.bytes.buffer);
    // b, still held, is untouched by c; c is exactly its own answer.
    expect(b.bytes.equals(text('b'))).toBe(true);
    expect(c.bytes.equals(text('c'))).toBe(true);
    // Released twice by mistake: handed out once only.
    b.release!();
    b.release!();
    expect(encodeJson('r', page('d')).bytes.buffer).toBe(b.bytes.buffer);
    expect(encodeJson('r', page('e')).bytes.buffer).not.toBe(b.bytes.buffer);
  });
});

describe('stored JSON text (a job result kept as written)', () => {
  it('is written into a JSON page as it is, byte for byte what its parsed value gives; XML and other readers get the value', () => {
    const result = { virtualmachine: { id: 'v-1', name: '测试机 "1"', nic: [{ ip: '10.0.0.1' }], odd: '\ud800', '1': 2 } };
    const job = (i: number, text: string | undefined) => ({ jobid: `j-${i}`, jobresult: text === undefined ? undefined : new JsonText(text, { bad: true }), created: 'x' });
    const parsed = (i: number, value: unknown) => ({ jobid: `j-${i}`, jobresult: value, created: 'x' });
    const stored = JSON.stringify(result);
    // A page holding stored texts (one item two of them, one none) answers exactly what the parsed values give.
    const page = listInner('asyncjobs', { count: 3, items: [job(0, stored), { ...job(1, stored), again: new JsonText('{"a":[]}', null) }, job(2, undefined)] });
    const same = listInner('asyncjobs', { count: 3, items: [parsed(0, result), { ...parsed(1, result), again: { a: [] } }, parsed(2, undefined)] });
    expect(toJsonBytes('listasyncjobsresponse', page).toString('utf8')).toBe(toJson('listasyncjobsresponse', same));
    // A value that merely looks like the stand-in is data like any other.
    expect(JSON.parse(toJsonBytes('r', listInner('x', { count: 2, items: [job(0, stored), { s: 'stored-json-0' }] })).toString())).toEqual(
      { r: { count: 2, x: [parsed(0, result), { s: 'stored-json-0' }] } });
    // Text that is not a whole object (truncated, cut short) is parsed instead of copied: the stand-in value answers.
    const broken = listInner('asyncjobs', { count: 2, items: [job(0, '{"virtualmachine":'), job(1, '{"a":1')] });
    expect(JSON.parse(toJsonBytes('r', broken).toString())).toEqual({ r: { count: 2, asyncjobs: [parsed(0, { bad: true }), parsed(1, { bad: true })] } });
    expect(toXml('r', { count: 1, asyncjobs: [job(0, stored)] }, '4.20')).toBe(toXml('r', { count: 1, asyncjobs: [parsed(0, result)] }, '4.20'));
    expect(JSON.stringify(job(0, stored))).toBe(JSON.stringify(parsed(0, result)));
  });
});

describe('toXml', () => {
  it('renders a list: count, repeated item elements, nested objects and arrays, typed text', () => {
    const xml = toXml('listvirtualmachinesresponse', listInner('virtualmachine', { count: 2, items: [VM, { id: 'b2' }] }), '4.20.0.0');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><listvirtualmachinesresponse cloud-stack-version="4.20.0.0"><count>2</count><virtualmachine><id>a1</id>')).toBe(true);
    const root = parseXml(xml);
    expect(root.attrs['cloud-stack-version']).toBe('4.20.0.0');
    const vms = kids(root, 'virtualmachine');
    expect(vms.map((v) => kids(v, 'id')[0].text)).toEqual(['a1', 'b2']);
    expect(kids(vms[0], 'haenable')[0].text).toBe('false');
    expect(kids(vms[0], 'cpunumber')[0].text).toBe('2');
    expect(kids(kids(vms[0], 'nic')[0], 'isdefault')[0].text).toBe('true');
    expect(kids(vms[0], 'tags')).toHaveLength(0);
  });

  it('renders errors directly under the root and the empty list as an empty root', () => {
    const root = parseXml(toXml('errorresponse', errorInner(new ApiError(432, 'The API [x] does not exist')), '4.20'));
    expect(root.children.map((c) => c.name)).toEqual(['errorcode', 'cserrorcode', 'errortext']);
    expect(kids(root, 'errortext')[0].text).toBe('The API [x] does not exist');
    expect(parseXml(toXml('listzonesresponse', listInner('zone', { count: 0, items: [] }), '4')).children).toEqual([]);
  });

  it('omits null and undefined fields', () => {
    expect(toXml('r', { a: null, b: undefined, c: 0 }, '1')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><r cloud-stack-version="1"><c>0</c></r>');
  });

  it('stays well-formed for markup, control characters, lone surrogates and odd keys', () => {
    const tricky = `<a href="x">&amp; 'q' ]]> \u0001 \uD800 😀`;
    const inner = {
      name: tricky,
      details: { 'cpu speed': '2', '1st': 'one', 'a:b': 'ns', '<x>': tricky, ok_key: 'fine', 'é': 'accent' },
    };
    const xml = toXml('updatevirtualmachineresponse', inner, '4"<&');
    const root = parseXml(xml);
    expect(root.attrs['cloud-stack-version']).toBe('4"<&');
    expect(kids(root, 'name')[0].text).toBe(`<a href="x">&amp; 'q' ]]> \uFFFD \uFFFD 😀`);
    const details = kids(root, 'details')[0];
    const entries = Object.fromEntries(kids(details, 'entry').map((e) => [e.attrs.key, e.text]));
    expect(entries).toEqual({ 'cpu speed': '2', '1st': 'one', 'a:b': 'ns', '<x>': kids(root, 'name')[0].text, 'é': 'accent' });
    expect(kids(details, 'ok_key')[0].text).toBe('fine');
  });

  it('escapeXml escapes all five markup characters', () => {
    expect(escapeXml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&apos;');
    expect(escapeXml('plain')).toBe('plain');
  });
});

// k6/html's Selection (goquery's API) and Element over the tree html_module.cc builds with gumbo:
// nodes are {t: 1 element | 3 text | 9 document, name, attrs, kids}, given a parent here. CSS
// selectors as cascadia has them: type, *, #id, .class, [attr], [attr=v], ~= |= ^= $= *=,
// combinators ' ' > + ~, groups ',', and :first-child :last-child :only-child :nth-child(an+b)
// :nth-last-child :first-of-type :last-of-type :empty :checked :disabled :selected :not(...)
// :has(...) :contains("text").
(function (parse) {
  'use strict';

  const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

  function link(node, parent) {
    node.parent = parent;
    if (node.kids) for (const kid of node.kids) link(kid, node);
    return node;
  }
  const elements = (node) => (node.kids || []).filter((k) => k.t === 1);
  function textOf(node) {
    if (node.t === 3) return node.text;
    return (node.kids || []).map(textOf).join('');
  }
  const escapeText = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const escapeAttr = (s) => escapeText(s).replace(/"/g, '&quot;');
  function outerHTML(node) {
    if (node.t === 3) return node.parent && ['script', 'style'].includes(node.parent.name) ? node.text : escapeText(node.text);
    if (node.t === 9) return innerHTML(node);
    const attrs = Object.entries(node.attrs).map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');
    if (VOID.has(node.name)) return `<${node.name}${attrs}/>`;
    return `<${node.name}${attrs}>${innerHTML(node)}</${node.name}>`;
  }
  const innerHTML = (node) => (node.kids || []).map(outerHTML).join('');

  // --- selectors -------------------------------------------------------------------------------
  // A selector compiles to a function (element) -> boolean.
  function compile(selector) {
    const src = String(selector);
    let at = 0;
    const peek = () => src[at];
    const fail = () => { throw new Error(`invalid CSS selector '${src}' at ${at}`); };
    const skipSpace = () => { let any = false; while (/\s/.test(src[at] || '')) { at++; any = true; } return any; };
    const ident = () => {
      const m = /^-?[_a-zA-Z0-9\u00a0-\uffff-]+/.exec(src.slice(at));
      if (!m) fail();
      at += m[0].length;
      return m[0];
    };
    const quoted = () => {
      const q = src[at];
      if (q !== '"' && q !== "'") return ident();
      const end = src.indexOf(q, at + 1);
      if (end < 0) fail();
      const value = src.slice(at + 1, end);
      at = end + 1;
      return value;
    };
    const inParens = () => {
      if (src[at] !== '(') fail();
      let depth = 0;
      const start = at + 1;
      for (; at < src.length; at++) {
        if (src[at] === '(') depth++;
        else if (src[at] === ')' && --depth === 0) break;
      }
      if (src[at] !== ')') fail();
      return src.slice(start, at++);
    };
    const siblings = (el) => (el.parent ? elements(el.parent) : [el]);
    function nth(formula) {
      const f = formula.replace(/\s+/g, '').toLowerCase();
      if (f === 'odd') return [2, 1];
      if (f === 'even') return [2, 0];
      const m = /^([+-]?\d*)n([+-]\d+)?$/.exec(f);
      if (m) return [m[1] === '' || m[1] === '+' ? 1 : m[1] === '-' ? -1 : Number(m[1]), Number(m[2] || 0)];
      if (/^[+-]?\d+$/.test(f)) return [0, Number(f)];
      return fail();
    }
    const matchesNth = ([a, b], index) => (a === 0 ? index === b : (index - b) / a >= 0 && (index - b) % a === 0);

    function pseudo() {
      const name = ident().toLowerCase();
      switch (name) {
        case 'first-child': return (el) => siblings(el)[0] === el;
        case 'last-child': return (el) => siblings(el).at(-1) === el;
        case 'only-child': return (el) => siblings(el).length === 1;
        case 'first-of-type': return (el) => siblings(el).find((s) => s.name === el.name) === el;
        case 'last-of-type': return (el) => siblings(el).filter((s) => s.name === el.name).at(-1) === el;
        case 'empty': return (el) => el.kids.length === 0;
        case 'checked': return (el) => 'checked' in el.attrs || 'selected' in el.attrs;
        case 'selected': return (el) => 'selected' in el.attrs;
        case 'disabled': return (el) => 'disabled' in el.attrs;
        case 'enabled': return (el) => !('disabled' in el.attrs);
        case 'nth-child': { const f = nth(inParens()); return (el) => matchesNth(f, siblings(el).indexOf(el) + 1); }
        case 'nth-last-child': { const f = nth(inParens()); return (el) => { const s = siblings(el); return matchesNth(f, s.length - s.indexOf(el)); }; }
        case 'nth-of-type': { const f = nth(inParens()); return (el) => matchesNth(f, siblings(el).filter((s) => s.name === el.name).indexOf(el) + 1); }
        case 'not': { const inner = compile(inParens()); return (el) => !inner(el); }
        case 'has': { const inner = compile(inParens()); return (el) => descendants(el).some(inner); }
        case 'contains': { const text = inParens().trim().replace(/^["']|["']$/g, ''); return (el) => textOf(el).includes(text); }
        default: return fail();
      }
    }

    function compound() {
      const tests = [];
      if (peek() === '*') { at++; } else if (/[_a-zA-Z]/.test(peek() || '')) { const tag = ident().toLowerCase(); tests.push((el) => el.name === tag); }
      for (;;) {
        const c = peek();
        if (c === '#') { at++; const id = ident(); tests.push((el) => el.attrs.id === id); }
        else if (c === '.') { at++; const cls = ident(); tests.push((el) => (el.attrs.class || '').split(/\s+/).includes(cls)); }
        else if (c === '[') {
          at++; skipSpace();
          const name = ident().toLowerCase(); skipSpace();
          let op = ''; let value = '';
          if (peek() !== ']') {
            const m = /^([~|^$*]?=)/.exec(src.slice(at));
            if (!m) fail();
            op = m[1]; at += op.length; skipSpace(); value = quoted(); skipSpace();
          }
          if (peek() !== ']') fail();
          at++;
          tests.push((el) => {
            const v = el.attrs[name];
            if (v === undefined) return false;
            switch (op) {
              case '': return true;
              case '=': return v === value;
              case '~=': return v.split(/\s+/).includes(value);
              case '|=': return v === value || v.startsWith(value + '-');
              case '^=': return value !== '' && v.startsWith(value);
              case '$=': return value !== '' && v.endsWith(value);
              default: return value !== '' && v.includes(value);
            }
          });
        } else if (c === ':') { at++; tests.push(pseudo()); }
        else break;
      }
      if (tests.length === 0 && src[at - 1] !== '*') fail();
      return (el) => el.t === 1 && tests.every((t) => t(el));
    }

    // A complex selector is matched right to left: the last compound, then its combinators.
    function complex() {
      const parts = [compound()];
      const combinators = [];
      for (;;) {
        const spaced = skipSpace();
        const c = peek();
        if (c === undefined || c === ',' || c === ')') break;
        if (c === '>' || c === '+' || c === '~') { at++; skipSpace(); combinators.push(c); }
        else if (spaced) combinators.push(' ');
        else fail();
        parts.push(compound());
      }
      return (el) => {
        const matchFrom = (node, i) => {
          if (!parts[i](node)) return false;
          if (i === 0) return true;
          const comb = combinators[i - 1];
          if (comb === '>') return node.parent && node.parent.t === 1 && matchFrom(node.parent, i - 1);
          if (comb === ' ') {
            for (let p = node.parent; p && p.t === 1; p = p.parent) if (matchFrom(p, i - 1)) return true;
            return false;
          }
          const sibs = siblings(node);
          const index = sibs.indexOf(node);
          if (comb === '+') return index > 0 && matchFrom(sibs[index - 1], i - 1);
          for (let k = index - 1; k >= 0; k--) if (matchFrom(sibs[k], i - 1)) return true;
          return false;
        };
        return matchFrom(el, parts.length - 1);
      };
    }

    skipSpace();
    const alternatives = [complex()];
    while (peek() === ',') { at++; skipSpace(); alternatives.push(complex()); }
    skipSpace();
    if (at < src.length) fail();
    return (el) => alternatives.some((m) => m(el));
  }

  function descendants(node) {
    const out = [];
    const walk = (n) => { for (const k of n.kids || []) if (k.t === 1) { out.push(k); walk(k); } };
    walk(node);
    return out;
  }
  const unique = (nodes) => [...new Set(nodes)];

  // --- Element ---------------------------------------------------------------------------------
  class Element {
    constructor(node) { Object.defineProperty(this, 'node', { value: node }); }
    get nodeName() { return this.node.name; }
    get nodeType() { return this.node.t; }
    get id() { return this.node.attrs.id || ''; }
    get className() { return this.node.attrs.class || ''; }
    get classList() { return this.className.split(/\s+/).filter(Boolean); }
    get textContent() { return textOf(this.node); }
    get innerHTML() { return innerHTML(this.node); }
    get outerHTML() { return outerHTML(this.node); }
    get attributes() { return { ...this.node.attrs }; }
    getAttribute(name) { const v = this.node.attrs[String(name).toLowerCase()]; return v === undefined ? undefined : v; }
    hasAttribute(name) { return String(name).toLowerCase() in this.node.attrs; }
    hasAttributes() { return Object.keys(this.node.attrs).length > 0; }
    hasChildNodes() { return this.node.kids.length > 0; }
    children() { return elements(this.node).map((n) => new Element(n)); }
    childElementCount() { return elements(this.node).length; }
    parentElement() { return this.node.parent && this.node.parent.t === 1 ? new Element(this.node.parent) : undefined; }
    matches(selector) { return compile(selector)(this.node); }
    querySelector(selector) { const m = compile(selector); const n = descendants(this.node).find(m); return n ? new Element(n) : null; }
    querySelectorAll(selector) { const m = compile(selector); return descendants(this.node).filter(m).map((n) => new Element(n)); }
    toString() { return `[object html.Element]`; }
  }

  // --- Selection -------------------------------------------------------------------------------
  class Selection {
    constructor(nodes) { Object.defineProperty(this, 'nodes', { value: nodes }); }
    size() { return this.nodes.length; }
    get length() { return this.nodes.length; }
    find(selector) { const m = compile(selector); return new Selection(unique(this.nodes.flatMap((n) => descendants(n).filter(m)))); }
    text() { return this.nodes.map(textOf).join(''); }
    html() { return this.nodes.length ? innerHTML(this.nodes[0]) : undefined; }
    attr(name, fallback) {
      const n = this.nodes[0];
      const v = n && n.t === 1 ? n.attrs[String(name).toLowerCase()] : undefined;
      return v === undefined ? fallback : v;
    }
    val() {
      const n = this.nodes[0];
      if (!n || n.t !== 1) return undefined;
      if (n.name === 'textarea') return textOf(n);
      if (n.name === 'select') {
        const chosen = descendants(n).filter((o) => o.name === 'option' && 'selected' in o.attrs);
        const values = chosen.map((o) => (o.attrs.value !== undefined ? o.attrs.value : textOf(o)));
        return 'multiple' in n.attrs ? values : values[0];
      }
      if (n.name === 'option') return n.attrs.value !== undefined ? n.attrs.value : textOf(n);
      if (n.attrs.value !== undefined) return n.attrs.value;
      if (n.name !== 'input') return undefined;
      return ['checkbox', 'radio'].includes((n.attrs.type || '').toLowerCase()) ? 'on' : '';
    }
    data(key) {
      const n = this.nodes[0];
      if (!n || n.t !== 1) return undefined;
      const data = {};
      for (const [k, v] of Object.entries(n.attrs)) {
        if (!k.startsWith('data-')) continue;
        const name = k.slice(5).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
        let value = v;
        try { value = JSON.parse(v); } catch (e) { /* a string */ }
        data[name] = value;
      }
      return key === undefined ? data : data[key];
    }
    children(selector) { return this.#related((n) => elements(n), selector); }
    contents() { return new Selection(this.nodes.flatMap((n) => n.kids || [])); }
    parent(selector) { return this.#related((n) => (n.parent && n.parent.t === 1 ? [n.parent] : []), selector); }
    parents(selector) { return this.#related((n) => { const out = []; for (let p = n.parent; p && p.t === 1; p = p.parent) out.push(p); return out; }, selector); }
    parentsUntil(selector) { const stop = compile(selector); return this.#related((n) => { const out = []; for (let p = n.parent; p && p.t === 1 && !stop(p); p = p.parent) out.push(p); return out; }); }
    closest(selector) { const m = compile(selector); return this.#related((n) => { for (let p = n; p && p.t === 1; p = p.parent) if (m(p)) return [p]; return []; }); }
    next(selector) { return this.#related((n) => { const s = sibs(n); const i = s.indexOf(n); return i >= 0 && i + 1 < s.length ? [s[i + 1]] : []; }, selector); }
    nextAll(selector) { return this.#related((n) => { const s = sibs(n); return s.slice(s.indexOf(n) + 1); }, selector); }
    nextUntil(selector) { const stop = compile(selector); return this.#related((n) => { const s = sibs(n); const out = []; for (let i = s.indexOf(n) + 1; i < s.length && !stop(s[i]); i++) out.push(s[i]); return out; }); }
    prev(selector) { return this.#related((n) => { const s = sibs(n); const i = s.indexOf(n); return i > 0 ? [s[i - 1]] : []; }, selector); }
    prevAll(selector) { return this.#related((n) => { const s = sibs(n); return s.slice(0, Math.max(0, s.indexOf(n))).reverse(); }, selector); }
    prevUntil(selector) { const stop = compile(selector); return this.#related((n) => { const s = sibs(n); const out = []; for (let i = s.indexOf(n) - 1; i >= 0 && !stop(s[i]); i--) out.push(s[i]); return out; }); }
    siblings(selector) { return this.#related((n) => sibs(n).filter((s) => s !== n), selector); }
    eq(i) { const n = this.nodes[i < 0 ? this.nodes.length + i : i]; return new Selection(n ? [n] : []); }
    first() { return this.eq(0); }
    last() { return this.eq(-1); }
    slice(start, end) { return new Selection(this.nodes.slice(start, end)); }
    get(i) { const n = this.nodes[i < 0 ? this.nodes.length + i : i]; return n && n.t === 1 ? new Element(n) : undefined; }
    toArray() { return this.nodes.map((n) => new Selection([n])); }
    index(selector) {
      if (selector === undefined) { const n = this.nodes[0]; return n ? sibs(n).indexOf(n) : -1; }
      const m = compile(selector);
      return this.nodes.findIndex((n) => m(n));
    }
    each(fn) { this.nodes.forEach((n, i) => fn(i, new Element(n))); return this; }
    map(fn) { return this.nodes.map((n, i) => fn(i, new Element(n))); }
    filter(selector) {
      const keep = typeof selector === 'function' ? (n, i) => selector(i, new Element(n)) : compile(selector);
      return new Selection(this.nodes.filter((n, i) => keep(n, i)));
    }
    not(selector) {
      const drop = typeof selector === 'function' ? (n, i) => selector(i, new Element(n)) : compile(selector);
      return new Selection(this.nodes.filter((n, i) => !drop(n, i)));
    }
    is(selector) {
      const m = typeof selector === 'function' ? (n, i) => selector(i, new Element(n)) : compile(selector);
      return this.nodes.some((n, i) => m(n, i));
    }
    has(selector) { const m = compile(selector); return new Selection(this.nodes.filter((n) => descendants(n).some(m))); }
    add(selector) { return new Selection(unique([...this.nodes, ...this.#root().find(selector).nodes])); }
    end() { return this; }
    // Form helpers: the successful controls of the selected forms, as jQuery's serialize*.
    serializeArray() {
      const out = [];
      for (const form of this.nodes) {
        for (const c of descendants(form)) {
          const name = c.attrs.name;
          if (!name || 'disabled' in c.attrs) continue;
          const type = (c.attrs.type || '').toLowerCase();
          if (c.name === 'input' && ['submit', 'button', 'image', 'reset', 'file'].includes(type)) continue;
          if (c.name === 'input' && ['checkbox', 'radio'].includes(type) && !('checked' in c.attrs)) continue;
          if (!['input', 'select', 'textarea'].includes(c.name)) continue;
          const value = new Selection([c]).val();
          for (const v of Array.isArray(value) ? value : [value]) out.push({ name, value: v });
        }
      }
      return out;
    }
    serializeObject() {
      const out = {};
      for (const { name, value } of this.serializeArray()) out[name] = name in out ? [].concat(out[name], value) : value;
      return out;
    }
    serialize() {
      return this.serializeArray().map(({ name, value }) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&').replace(/%20/g, '+');
    }
    #root() { let n = this.nodes[0]; while (n && n.parent) n = n.parent; return new Selection(n ? [n] : []); }
    #related(step, selector) {
      const found = unique(this.nodes.flatMap(step));
      return new Selection(selector === undefined ? found : found.filter(compile(selector)));
    }
  }
  const sibs = (n) => (n.parent ? elements(n.parent) : [n]);

  function parseHTML(src) { return new Selection([link(parse(String(src)), null)]); }

  return { parseHTML, Selection, Element };
})

// k6/html as k6 documents it (goquery's Selection, cascadia's selectors) and res.html().
import http from 'k6/http';
import { parseHTML } from 'k6/html';
import { check } from 'k6';

export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };

const PAGE = `<html><head><title>T &amp; T</title></head><body>
<div id="main" class="box wide" data-count="3" data-user-name="ada">
  <p class="lead">First <b>bold</b> para</p>
  <p>Second</p>
  <ul><li>a</li><li class="x">b</li><li>c</li><li>d</li></ul>
  <select name="s" multiple><option value="1" selected>One</option><option selected>Two</option></select>
  <textarea name="t">text area</textarea>
  <unknown-tag foo="bar">custom</unknown-tag>
</div>
<p id="outside">Out</p>
<table><tr><td>cell</td></tr></table>
</body></html>`;

export default function () {
  const doc = parseHTML(PAGE);
  const items = doc.find('ul li');
  check(doc, {
    'title text is decoded': (d) => d.find('title').text() === 'T & T',
    'id and class selectors': (d) => d.find('#main.box.wide').size() === 1,
    'descendant and child combinators': (d) => d.find('div > p').size() === 2 && d.find('body p').size() === 3,
    'sibling combinators': (d) => d.find('p.lead + p').text() === 'Second' && d.find('p.lead ~ ul').size() === 1,
    'attribute selectors': (d) => d.find('[data-count="3"]').size() === 1 && d.find('[class~=wide]').size() === 1 &&
      d.find('[data-user-name^=a]').size() === 1 && d.find('[id$=side]').attr('id') === 'outside',
    'pseudo-classes': () => items.filter(':first-child').text() === 'a' && items.filter(':last-child').text() === 'd' &&
      doc.find('li:nth-child(2n)').text() === 'bd' && doc.find('li:not(.x)').size() === 3,
    ':contains and :has': (d) => d.find('p:contains("Second")').size() === 1 && d.find('div:has(b)').size() === 1,
    'groups': (d) => d.find('title, #outside').size() === 2,
    'gumbo builds the table body as browsers do': (d) => d.find('table > tbody > tr > td').text() === 'cell',
    'custom elements keep their names': (d) => d.find('unknown-tag').attr('foo') === 'bar',
    'text of nested elements': (d) => d.find('p.lead').text() === 'First bold para',
    'html() is the inner HTML': (d) => d.find('p.lead').html() === 'First <b>bold</b> para',
    'attr with a default': (d) => d.find('#main').attr('missing', 'none') === 'none',
    'data() converts names and JSON': (d) => d.find('#main').data('count') === 3 && d.find('#main').data('userName') === 'ada',
    'val() of select and textarea': (d) => d.find('select').val().join() === '1,Two' && d.find('textarea').val() === 'text area',
    'eq, first, last, slice, get': () => items.eq(1).text() === 'b' && items.first().text() === 'a' &&
      items.last().text() === 'd' && items.slice(1, 3).text() === 'bc' && items.get(2).textContent === 'c',
    'each and map give Elements': () => {
      const names = [];
      items.each((i, el) => names.push(`${i}:${el.nodeName}:${el.textContent}`));
      return names.join() === '0:li:a,1:li:b,2:li:c,3:li:d' && items.map((i, el) => el.textContent).join('') === 'abcd';
    },
    'traversal': () => items.eq(1).parent().is('ul') && items.eq(1).next().text() === 'c' &&
      items.eq(1).prev().text() === 'a' && items.eq(1).closest('div').attr('id') === 'main' &&
      items.eq(1).siblings().size() === 3 && items.eq(0).nextAll().size() === 3,
    'an invalid selector throws': () => { try { doc.find('p[');  return false; } catch (e) { return true; } },
    'absurdly deep markup is refused, not parsed for minutes': () => {
      try { parseHTML('<div>'.repeat(100000)); return false; } catch (e) { return e.message.includes('deep'); }
    },
  });

  const res = http.get(`${__ENV.BASE}/html`);
  check(res, {
    'res.html() parses the body': (r) => r.html().find('h1').text() === 'Demo shop',
    'res.html(selector) selects in it': (r) => r.html('#links a').size() === 2,
    'links by attribute': (r) => r.html().find('a[data-id="2"]').attr('href') === '/api/orders',
    'form serialization': (r) => r.html('form').serialize() === 'username=ada&password=&remember=on',
  });
}

// k6/http and k6/encoding details from k6's documentation: array form values as repeated keys,
// `new http.CookieJar()` apart from the VU's jar, an unparseable URL as a failed response (not an
// exception), b64decode(s, null, 's').
import http from 'k6/http';
import encoding from 'k6/encoding';
import { check } from 'k6';

export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };

export default function () {
  const BASE = __ENV.BASE;
  const form = http.post(`${BASE}/echo`, { tag: ['a', 'b'], one: 'x y' });
  check(form, {
    'array form values are repeated keys': (r) => r.json('body') === 'tag=a&tag=b&one=x+y',
    'form bodies are urlencoded': (r) => r.json('headers')['Content-Type'] === 'application/x-www-form-urlencoded',
  });

  const own = new http.CookieJar();
  http.get(`${BASE}/cookies/set?mine=1`, { jar: own });
  const vuJar = http.cookieJar();
  check(null, {
    'a new CookieJar keeps its cookies': () => (own.cookiesForURL(`${BASE}/`).mine || [])[0] === '1',
    'the VU jar does not get them': () => vuJar.cookiesForURL(`${BASE}/`).mine === undefined,
  });
  check(http.get(`${BASE}/cookies`, { jar: own }), { 'requests with the jar send its cookies': (r) => r.json('cookies') === 'mine=1' });
  check(http.get(`${BASE}/cookies`), { 'requests without it do not': (r) => r.json('cookies') === '' });
  own.set(BASE, 'extra', 'v');
  check(http.get(`${BASE}/cookies`, { jar: own }), { 'jar.set adds to that jar': (r) => r.json('cookies').includes('extra=v') });

  const bad = http.get('http://exa mple.com:99999/');
  check(bad, {
    'an invalid URL is a response, not an exception': (r) => r.status === 0 && r.error_code === 1020,
    'its error says so': (r) => r.error.startsWith('invalid URL'),
  });

  check(null, {
    'b64decode with a null variant reads std': () => encoding.b64decode('aGVsbG8gd29ybGQ=', null, 's') === 'hello world',
  });
}

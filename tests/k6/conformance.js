// Covers k6's script API; every check must pass (the test asserts checks_failed == 0 and the counts).
// Run by tests/integration/k6_test.cc with -e BASE=http://127.0.0.1:PORT.
import http from 'k6/http';
import { check, group, sleep, fail, randomSeed } from 'k6';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
import exec from 'k6/execution';
import { SharedArray } from 'k6/data';
import encoding from 'k6/encoding';
import crypto from 'k6/crypto';
import { setTimeout as timersSetTimeout } from 'k6/timers';
import { countCall, GREETING } from './lib/helpers.js';

const BASE = __ENV.BASE;
const users = new SharedArray('users', () => JSON.parse(open('./data/users.json')));
const raw = open('./data/users.json', 'b');
const myCounter = new Counter('my_counter');
const myGauge = new Gauge('my_gauge');
const myRate = new Rate('my_rate');
const myTrend = new Trend('my_trend', true);
const initVu = __VU;

export const options = {
  scenarios: {
    main: { executor: 'per-vu-iterations', vus: 2, iterations: 2, exec: 'main', tags: { suite: 'conformance' } },
  },
  thresholds: {
    checks: ['rate==1'],
    'my_counter': ['count==4'],
    'http_req_duration{name:echo-get}': ['max<5000'],
  },
};

export function setup() {
  check(null, { 'setup runs in the ::setup group': () => true });
  const res = http.post(`${BASE}/auth/token`, JSON.stringify({ username: 'a', password: 'b' }),
                        { headers: { 'Content-Type': 'application/json' } });
  return { token: res.json('access_token'), started: Date.now() };
}

export function main(data) {
  check(null, {
    'init context saw __VU 0 or its VU': () => initVu === 0 || initVu === __VU,
    '__VU is 1 or 2': () => __VU === 1 || __VU === 2,
    '__ITER counts per VU': () => __ITER === exec.vu.iterationInScenario,
    'setup data arrives': () => typeof data.token === 'string' && data.token.length > 0,
    'local module state is per VU': () => countCall() === __ITER + 1,
    'module constant': () => GREETING === 'hello from a module',
    'SharedArray': () => users.length === 3 && users[1].name === 'bob' && [...users].length === 3,
    'open binary': () => raw instanceof ArrayBuffer && raw.byteLength > 10,
    'env': () => __ENV.EXTRA === 'yes',
    'execution': () => exec.scenario.name === 'main' && exec.scenario.executor === 'per-vu-iterations' &&
                       exec.vu.idInTest === __VU && exec.instance.currentTestRunDuration > 0,
    'execution test.options': () => exec.test.options.scenarios.main.vus === 2,
    'execution instance': () => exec.instance.vusInitialized >= 1 && exec.instance.vusInitialized <= 2 &&
                                exec.instance.vusActive >= 1 &&
                                exec.instance.iterationsCompleted >= 0 && exec.instance.iterationsInterrupted === 0,
  });

  group('http verbs', () => {
    const get = http.get(`${BASE}/echo?x=1`, { headers: { 'X-Custom': 'abc' }, tags: { name: 'echo-get' } });
    check(get, {
      'get status': (r) => r.status === 200 && r.status_text === '200 OK',
      'get json selector': (r) => r.json('method') === 'GET' && r.json('headers.X-Custom') === 'abc',
      'get headers canonical': (r) => r.headers['Content-Type'] === 'application/json',
      'get timings': (r) => r.timings.duration >= 0 && r.timings.waiting >= 0 && 'looking_up' in r.timings,
      'get remote': (r) => r.remote_ip === '127.0.0.1' && r.remote_port > 0 && r.proto === 'HTTP/1.1',
      'get request': (r) => r.request.method === 'GET' && r.request.headers['X-Custom'][0] === 'abc',
      'get url': (r) => r.url.endsWith('/echo?x=1'),
      'get no error': (r) => r.error === '' && r.error_code === 0,
    });
    const post = http.post(`${BASE}/echo`, JSON.stringify({ a: 1 }), { headers: { 'Content-Type': 'application/json' } });
    check(post, { 'post body': (r) => r.json('method') === 'POST' && JSON.parse(r.json('body')).a === 1 });
    const form = http.post(`${BASE}/echo`, { name: 'x y', n: 2 });
    check(form, { 'form body': (r) => r.json('body') === 'name=x+y&n=2' &&
                                      r.json('headers.Content-Type') === 'application/x-www-form-urlencoded' });
    check(http.put(`${BASE}/echo`, 'p'), { 'put': (r) => r.json('method') === 'PUT' });
    check(http.patch(`${BASE}/echo`, 'p'), { 'patch': (r) => r.json('method') === 'PATCH' });
    check(http.del(`${BASE}/echo`), { 'del': (r) => r.json('method') === 'DELETE' });
    check(http.options(`${BASE}/echo`), { 'options': (r) => r.json('method') === 'OPTIONS' });
    check(http.head(`${BASE}/health`), { 'head': (r) => r.status === 200 && r.body === '' });
    check(http.request('GET', `${BASE}/users`), { 'request + gjson #': (r) => r.json('results.#') === 5 &&
                                                                              r.json('results.1.name') === 'user2' });
    const batch = http.batch([`${BASE}/health`, ['GET', `${BASE}/small`], { method: 'GET', url: `${BASE}/users` }]);
    check(batch, { 'batch': (b) => b.length === 3 && b[1].body === 'Hello, world!' && b[2].status === 200 });
    const tagged = http.get(http.url`${BASE}/echo?id=${__VU}`);
    check(tagged, { 'url template': (r) => r.status === 200 });
  });

  group('http params', () => {
    check(http.get(`${BASE}/redirect?n=3`), { 'redirects followed': (r) => r.status === 200 && r.url.endsWith('n=0') });
    check(http.get(`${BASE}/redirect?n=3`, { redirects: 1 }), { 'redirects limited': (r) => r.status === 302 });
    check(http.get(`${BASE}/health?delay=300ms`, { timeout: '100ms' }), {
      'timeout': (r) => r.status === 0 && r.error_code === 1050,
    });
    check(http.get(`${BASE}/small`, { responseType: 'none' }), { 'responseType none': (r) => r.body === null });
    check(http.get(`${BASE}/small`, { responseType: 'binary' }), {
      'responseType binary': (r) => r.body instanceof ArrayBuffer && r.body.byteLength === 13,
    });
    check(http.post(`${BASE}/echo`, 'zzzzzzzzzz', { compression: 'gzip' }), {
      'compression header': (r) => r.json('headers.Content-Encoding') === 'gzip',
    });
    check(http.get(`${BASE}/cookies`, { cookies: { a: '1', b: { value: '2' } } }), {
      'request cookies': (r) => r.json('cookies').includes('a=1') && r.json('cookies').includes('b=2'),
    });
    check(http.get(`${BASE}/health?status=503`), { 'unexpected status': (r) => r.status === 503 });
    http.setResponseCallback(http.expectedStatuses(200, { min: 500, max: 503 }));
    check(http.get(`${BASE}/health?status=503`), { 'expected by callback': (r) => r.status === 503 });
    http.setResponseCallback(http.expectedStatuses({ min: 200, max: 399 }));
    const asyncRes = http.asyncRequest('GET', `${BASE}/small`);
    // (Checked by its tag, not by name: a script that names Promise gets a context per VU.)
    check(asyncRes, { 'asyncRequest promise': (p) => Object.prototype.toString.call(p) === '[object Promise]' });
  });

  group('cookies', () => {
    const jar = http.cookieJar();
    http.get(`${BASE}/cookies/set?session=s${__VU}`);
    check(jar.cookiesForURL(`${BASE}/`), { 'jar has cookie': (c) => c.session[0] === `s${__VU}` });
    jar.set(`${BASE}/`, 'extra', 'e');
    check(http.get(`${BASE}/cookies`), { 'jar sends cookies': (r) => r.json('cookies').includes('extra=e') });
    jar.clear(`${BASE}/`);
    check(http.get(`${BASE}/cookies`), { 'jar cleared': (r) => r.json('cookies') === '' });
    check(http.get(`${BASE}/cookies/set?k=v&k2=w`), {
      'response cookies': (r) => r.cookies.k[0].value === 'v' && r.cookies.k2[0].value === 'w',
      'repeated headers joined': (r) => r.headers['Set-Cookie'] === 'k=v; Path=/, k2=w; Path=/',
    });
  });

  group('modules', () => {
    check(null, {
      'b64 std': () => encoding.b64encode('hello?') === 'aGVsbG8/',
      'b64 rawurl': () => encoding.b64encode('hello?', 'rawurl') === 'aGVsbG8_',
      'b64 decode string': () => encoding.b64decode('aGVsbG8/', 'std', 's') === 'hello?',
      'md5': () => crypto.md5('abc', 'hex') === '900150983cd24fb0d6963f7d28e17f72',
      'sha256': () => crypto.sha256('abc', 'hex') === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      'hmac': () => crypto.hmac('sha256', 'key', 'The quick brown fox jumps over the lazy dog', 'hex') ===
                    'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
      'createHash': () => { const h = crypto.createHash('sha1'); h.update('a'); h.update('bc');
                            return h.digest('hex') === 'a9993e364706816aba3e25717850c26c9cd0d89d'; },
      'randomBytes': () => crypto.randomBytes(16).byteLength === 16,
    });
    randomSeed(42);
    const a = Math.random();
    randomSeed(42);
    check(a, { 'randomSeed repeats': (x) => x === Math.random() });
  });

  myCounter.add(1);
  myGauge.add(__VU);
  myRate.add(true);
  myTrend.add(12.5, { kind: 'custom' });
  check(exec.vu.tags, { 'vu tags last across iterations': (t) => __ITER === 0 || t.mytag === 'v' });
  exec.vu.tags.mytag = 'v';
  check(exec.vu.tags, { 'vu tags': (t) => t.mytag === 'v' && t.scenario === 'main' });

  let fired = false;
  timersSetTimeout(() => { fired = true; check(fired, { 'timer fired after the function': (f) => f }); }, 10);
  setTimeout(() => {}, 1);
  try {
    fail('expected failure');
  } catch (e) {
    check(e, { 'fail throws': (err) => String(err).includes('expected failure') });
  }
  sleep(0.01);
}

export function teardown(data) {
  console.log(`teardown saw token ${data.token ? 'yes' : 'no'}`);
}

export function handleSummary(data) {
  return {
    stdout: `custom summary: checks=${data.metrics.checks.values.passes}/${data.metrics.checks.values.passes + data.metrics.checks.values.fails}\n`,
    [__ENV.SUMMARY_FILE]: JSON.stringify(data),
  };
}

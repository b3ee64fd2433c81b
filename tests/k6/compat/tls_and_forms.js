// tlsCipherSuites and res.tls_cipher_suite, and res.clickLink() / res.submitForm() on an HTML page.
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  iterations: 1,
  insecureSkipTLSVerify: true,
  tlsVersion: { max: 'tls1.2' },
  tlsCipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
  thresholds: { checks: ['rate==1'] },
};

export default function () {
  check(http.get(`${__ENV.TLS_BASE}/health`), {
    'the cipher suite asked for is the one used': (r) => r.tls_cipher_suite === 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
    'at the TLS version asked for': (r) => r.tls_version === 'tls1.2',
  });
  check(http.get(`${__ENV.BASE}/health`), { 'plain HTTP has no cipher suite': (r) => r.tls_cipher_suite === '' });

  const page = http.get(`${__ENV.BASE}/html`);
  const clicked = page.clickLink({ selector: '#links a[data-id="2"]' });
  check(clicked, { 'clickLink follows the href': (r) => r.url === `${__ENV.BASE}/api/orders` });
  const submitted = page.submitForm({ formSelector: '#login', fields: { password: 'secret' } });
  check(submitted, {
    'submitForm posts to the action': (r) => r.request.method === 'POST' && r.url === `${__ENV.BASE}/auth/token`,
    'with the form fields and the overrides': (r) => r.request.body === 'username=ada&password=secret&remember=on',
  });
  let missing = '';
  try {
    page.submitForm({ formSelector: '#nope' });
  } catch (e) {
    missing = e.message;
  }
  check(missing, { 'a missing form throws': (m) => m.includes("no form found for selector '#nope'") });
}

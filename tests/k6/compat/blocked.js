// blockHostnames and blacklistIPs (or --block-hostnames, --blacklist-ip): a blocked request fails
// with k6's error codes 1111 and 1110 and its messages, and is a failed request.
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };

export default function () {
  const port = __ENV.BASE.split(':')[2];
  const byName = http.get(`http://blocked.example.com:${port}/health`);
  const byIp = http.get(`http://127.0.0.1:${port}/health`);
  check(byName, {
    'a blocked hostname fails with 1111': (r) => r.status === 0 && r.error_code === 1111,
    'k6 names the pattern': (r) => r.error === 'hostname (blocked.example.com) is in a blocked pattern (*.example.com)',
  });
  check(byIp, {
    'an address in a blacklisted range fails with 1110': (r) => r.status === 0 && r.error_code === 1110,
    'k6 names the range': (r) => r.error === 'IP (127.0.0.1) is in a blacklisted range (127.0.0.0/8)',
  });
}

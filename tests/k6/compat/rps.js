// --rps caps requests per second across all VUs (k6's global limiter).
import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 5, iterations: 30, thresholds: { checks: ['rate==1'] } };

export default function () {
  check(http.get(`${__ENV.BASE}/health`), { 'status is 200': (r) => r.status === 200 });
}

// auth: 'digest' as k6 does it: a 401 challenge (expected, not failed), then the answered request.
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 1, thresholds: { checks: ['rate==1'], http_req_failed: ['rate==0'] } };

export default function () {
  const hostPort = __ENV.BASE.replace('http://', '');
  const ok = http.get(`http://ada:s3cret@${hostPort}/digest-auth/auth/ada/s3cret`, { auth: 'digest' });
  check(ok, {
    'digest auth succeeds': (r) => r.status === 200 && r.json('authenticated') === true,
    'as the right user': (r) => r.json('user') === 'ada',
  });
  const sha = http.get(`http://ada:s3cret@${hostPort}/digest-auth/auth/ada/s3cret/SHA-256`, { auth: 'digest' });
  check(sha, { 'SHA-256 digest auth succeeds': (r) => r.status === 200 });
  const wrong = http.get(`http://ada:nope@${hostPort}/digest-auth/auth/ada/s3cret`, {
    auth: 'digest',
    responseCallback: http.expectedStatuses(401),
  });
  check(wrong, { 'a wrong password stays 401': (r) => r.status === 401 });
}

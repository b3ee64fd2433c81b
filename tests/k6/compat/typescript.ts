// TypeScript as k6 v1 runs it: types stripped at load, .ts modules imported by their path.
import http from 'k6/http';
import { check } from 'k6';
import { Account, describe } from './lib/account.ts';

export const options = { iterations: 2, thresholds: { checks: ['rate==1'] } };

enum Kind {
  Health = 'health',
}

export default function (): void {
  const account: Account = { name: 'ada', id: 7 };
  const res = http.get(`${__ENV.BASE}/${Kind.Health}`);
  check(res, {
    'a .ts module is imported': () => describe(account) === 'ada#7',
    'enums and types compile away': (r) => r.status === 200,
  });
  if (__ENV.FAIL_AT_LINE) {
    throw new Error('thrown on line 20 of the .ts file');
  }
}

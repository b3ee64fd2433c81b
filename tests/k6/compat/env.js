// __ENV holds the process environment unless --include-system-env-vars=false; -e values always.
import { check } from 'k6';

export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };

export default function () {
  const expected = __ENV.EXPECT_SYSTEM === 'yes';
  check(__ENV, {
    '-e values are in __ENV': (e) => e.EXPECT_SYSTEM !== undefined,
    'the process environment is there only when asked': (e) => (e.SQUALL_COMPAT_MARKER === 'present') === expected,
  });
}

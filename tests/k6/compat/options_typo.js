// An options object with a key k6 does not know ("duraton"): k6 warns and runs the rest.
import { Counter } from 'k6/metrics';

const ran = new Counter('ran');
export const options = { duraton: '10s', iterations: 2 };

export default function () {
  ran.add(1);
}

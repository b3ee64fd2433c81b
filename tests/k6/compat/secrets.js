// k6/secrets with --secret-source: the default source, named ones, a missing key, and redaction of
// secrets from log lines.
import secrets from 'k6/secrets';
import { check } from 'k6';

export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };

export default async function () {
  const cool = await secrets.get('cool');
  const other = await secrets.source('another').get('cool');
  let missing = '';
  try {
    await secrets.get('absent');
  } catch (e) {
    missing = String(e.message);
  }
  check(null, {
    'the default source answers': () => cool === 'some',
    'a named source answers': () => other === 'not cool',
    'a missing key rejects': () => missing === 'no value',
  });
  console.log(`the secret is ${cool}`);
}

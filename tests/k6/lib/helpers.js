// A local module: imported relatively, instantiated once per VU.
let calls = 0;
export function countCall() {
  calls += 1;
  return calls;
}
export const GREETING = 'hello from a module';

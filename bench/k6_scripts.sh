# Sourced by the k6 bench scripts, after nginx_target.sh: the benchmark's two k6 scripts, written to
# $work/no-sleep.js (http.get + check) and $work/sleep.js (the same + sleep(1)), against nginx's
# GET /small on $PORT.
cat > "$work/no-sleep.js" <<JS
import http from 'k6/http';
import { check } from 'k6';
export default function () {
  const res = http.get('http://127.0.0.1:$PORT/small');
  check(res, { 'status is 200': (r) => r.status === 200 });
}
JS
cat > "$work/sleep.js" <<JS
import http from 'k6/http';
import { check, sleep } from 'k6';
export default function () {
  const res = http.get('http://127.0.0.1:$PORT/small');
  check(res, { 'status is 200': (r) => r.status === 200 });
  sleep(1);
}
JS

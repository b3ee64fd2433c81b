import http from 'k6/http'
import { check, sleep } from 'k6'
import { Trend, Rate } from 'k6/metrics'
const apiLatency = new Trend('api_latency_ms', true)
const apiErrors = new Rate('api_errors')
export const options = {
scenarios: {
smoke: {
executor: 'constant-arrival-rate',
rate: 200,
timeUnit: '1s',
duration: '2m',
preAllocatedVUs: 100,
maxVUs: 400,
},
soak: {
executor: 'ramping-arrival-rate',
startRate: 200,
timeUnit: '1s',
preAllocatedVUs: 200,
maxVUs: 1500,
stages: [
{ target: 800, duration: '5m' },
{ target: 800, duration: '30m' },
{ target: 0, duration: '2m' },
],
startTime: '3m',
},
},
thresholds: {
'api_latency_ms{endpoint:feed}': ['p(95)<400', 'p(99)<1200'],
'api_errors': ['rate<0.005'],
'http_req_failed': ['rate<0.01'],
},
}
const BASE = __ENV.BASE_URL
const TOKEN = __ENV.LOAD_TEST_TOKEN
export default function () {
const res = http.get(`${BASE}/communities/abc/posts?limit=20`, {
headers: {
Authorization: `Bearer ${TOKEN}`,
'x-synthetic-tenant': 'true',
},
tags: { endpoint: 'feed' },
})
apiLatency.add(res.timings.duration, { endpoint: 'feed' })
apiErrors.add(res.status >= 500)
check(res, {
'status 2xx': (r) => r.status >= 200 && r.status < 300,
})
sleep(0.2)
}

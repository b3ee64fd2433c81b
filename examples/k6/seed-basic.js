import http from 'k6/http';
import { check, sleep } from 'k6';
export const options = {
vus: 50, // 50 virtual users
duration: '2m', // run for 2 minutes
thresholds: {
http_req_failed: ['rate<0.01'], // <1% error rate
http_req_duration: ['p(95)<500'], // 95th percentile < 500ms
'http_req_duration{status:200}': ['p(99)<1000'],
},
};
export default function () {
const res = http.get('https://api.example.com/users');
check(res, {
'status is 200': (r) => r.status === 200,
'response time < 200ms': (r) => r.timings.duration < 200,
'has results array': (r) => r.json('results') !== undefined,
});
sleep(1);
}

# Sourced by the bench scripts: starts the benchmark target and stops it on exit.
# nginx (Debian), one worker pinned to CPU 0, access log off, GET /small -> "Hello, world!" (13 bytes),
# on 127.0.0.1:$PORT. Sets $work (a temporary folder, removed on exit).
work=$(mktemp -d)
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  server {
    listen 127.0.0.1:$PORT;
    location /small { default_type text/plain; return 200 "Hello, world!"; }
    # The seed locustfile's API, answered with fixed bodies (bench/compare_locust.sh).
    location /auth/token { default_type application/json; return 200 '{"access_token": "bench-token"}'; }
    location /api/users { default_type application/json; return 200 '{"users": [{"id": 1}, {"id": 2}]}'; }
    location /api/orders { default_type application/json; return 201 '{"id": 1, "status": "created"}'; }
  }
}
CONF
taskset -c 0 nginx -p "$work" -c "$work/nginx.conf" &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null; rm -rf "$work"' EXIT
sleep 0.5

// Micro-benchmarks of the per-request hot path: histogram recording, response
// parsing and request writing. Run: build/bench/micro_bench
#include <benchmark/benchmark.h>

#include <random>

#include "metrics/histogram.h"
#include "net/http1_parser.h"
#include "net/http1_writer.h"

namespace {

void BM_HistogramRecord(benchmark::State& state) {
  squall::metrics::Histogram h;
  std::mt19937_64 rng(1);
  std::lognormal_distribution<double> dist(16.0, 1.0);
  std::vector<uint64_t> values(4096);
  for (auto& v : values) v = static_cast<uint64_t>(dist(rng));
  size_t i = 0;
  for (auto _ : state) h.record(values[i++ & 4095]);
  benchmark::DoNotOptimize(h.count());
}
BENCHMARK(BM_HistogramRecord);

void BM_ParseSmallResponse(benchmark::State& state) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Mon, 23 Nov 2026 10:00:00 GMT\r\nContent-Type: text/plain\r\n"
      "Content-Length: 13\r\nConnection: keep-alive\r\n\r\nHello, world!";
  squall::net::Http1Parser parser(squall::net::Http1Parser::Kind::kResponse);
  squall::net::Http1Handler discard;
  for (auto _ : state) {
    parser.begin();
    benchmark::DoNotOptimize(parser.feed(wire, discard));
  }
}
BENCHMARK(BM_ParseSmallResponse);

void BM_WriteRequest(benchmark::State& state) {
  squall::net::HttpRequest request;
  request.url = *squall::net::parse_url("http://127.0.0.1:8080/small").url;
  std::string out;
  for (auto _ : state) {
    out.clear();
    squall::net::write_request(out, request, {{"User-Agent", "squall/0.1"}});
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_WriteRequest);

}  // namespace

BENCHMARK_MAIN();

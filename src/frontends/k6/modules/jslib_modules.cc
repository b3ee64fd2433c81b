#include "frontends/k6/modules/jslib_modules.h"

#include <map>

namespace squall::k6 {

const std::string& experimental_fs_source();   // experimental_fs.js, embedded at build time
const std::string& experimental_csv_source();  // experimental_csv.js

namespace {

constexpr char kUtils[] = R"JS(
import { randomBytes } from 'k6/crypto';

export function randomIntBetween(min, max) {
  min = Math.ceil(min);
  max = Math.floor(max);
  return Math.floor(Math.random() * (max - min + 1)) + min;
}

export function randomItem(items) {
  return items[Math.floor(Math.random() * items.length)];
}

export function randomString(length, charset = 'abcdefghijklmnopqrstuvwxyz') {
  let out = '';
  for (let i = 0; i < length; i++) out += charset.charAt(Math.floor(Math.random() * charset.length));
  return out;
}

function hexOf(bytes) {
  let out = '';
  for (const b of bytes) out += (b < 16 ? '0' : '') + b.toString(16);
  return out;
}

// A version 4 (random) UUID; `secure` draws its bits from k6/crypto (OpenSSL) instead of Math.random.
export function uuidv4(secure = false) {
  let bytes;
  if (secure) {
    bytes = new Uint8Array(randomBytes(16));
  } else {
    bytes = new Uint8Array(16);
    for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const h = hexOf(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// The text between `left` and `right`: the first match, or every match with `repeat`.
export function findBetween(content, left, right, repeat = false) {
  const found = [];
  let from = 0;
  for (;;) {
    const start = content.indexOf(left, from);
    if (start === -1) break;
    const end = content.indexOf(right, start + left.length);
    if (end === -1) break;
    found.push(content.substring(start + left.length, end));
    if (!repeat) break;
    from = end + right.length;
  }
  return repeat ? found : (found.length ? found[0] : null);
}

// Stages whose targets follow a bell curve: 0 -> maxVUs -> 0 over `durationSeconds`, in
// `numberOfStages` stages plus a ramp-up and a ramp-down of a tenth of the duration each.
export function normalDistributionStages(maxVUs, durationSeconds, numberOfStages = 10) {
  const edge = Math.max(Math.round(durationSeconds * 0.1), 1);
  const body = Math.max(durationSeconds - 2 * edge, numberOfStages);
  const step = Math.max(Math.floor(body / numberOfStages), 1);
  const sigma = numberOfStages / 6;  // ±3σ across the stages
  const middle = (numberOfStages - 1) / 2;
  const stages = [{ duration: `${edge}s`, target: Math.max(Math.round(maxVUs * Math.exp(-(middle * middle) / (2 * sigma * sigma))), 1) }];
  for (let i = 0; i < numberOfStages; i++) {
    const x = (i - middle) / sigma;
    stages.push({ duration: `${step}s`, target: Math.round(maxVUs * Math.exp(-(x * x) / 2)) });
  }
  stages.push({ duration: `${edge}s`, target: 0 });
  return stages;
}
)JS";

constexpr char kSummary[] = R"JS(
import { text } from 'squall/summary';

// The end-of-test summary as squall prints it (k6's layout). It is rendered from the run's metrics,
// not from `data`: changes a script makes to `data` do not show; `indent` and `enableColors` are
// accepted and the layout stays squall's.
export function textSummary(data, options = {}) {
  return text();
}

function escapeXml(value) {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// JUnit XML: one test case per threshold, failed when the threshold failed.
export function jUnit(data, options = {}) {
  const suite = options.name || 'k6 thresholds';
  const cases = [];
  let failures = 0;
  for (const [metric, summary] of Object.entries((data && data.metrics) || {})) {
    for (const [expression, verdict] of Object.entries(summary.thresholds || {})) {
      const name = escapeXml(`${metric} - ${expression}`);
      if (verdict.ok) {
        cases.push(`<testcase name="${name}" />`);
      } else {
        failures++;
        cases.push(`<testcase name="${name}"><failure message="${escapeXml(`${expression} failed`)}" /></testcase>`);
      }
    }
  }
  return `<?xml version="1.0"?>\n<testsuites tests="${cases.length}" failures="${failures}">\n` +
    `<testsuite name="${escapeXml(suite)}" tests="${cases.length}" failures="${failures}">\n` +
    cases.join('\n') + (cases.length ? '\n' : '') + '</testsuite>\n</testsuites>\n';
}
)JS";

const std::map<std::string, std::string, std::less<>>& sources() {
  static const std::map<std::string, std::string, std::less<>> kSources = {
      {"jslib:k6-utils", kUtils},
      {"jslib:k6-summary", kSummary},
      {"k6:k6/experimental/fs", experimental_fs_source()},
      {"k6:k6/experimental/csv", experimental_csv_source()},
  };
  return kSources;
}

}  // namespace

std::optional<std::string> jslib_path(std::string_view url) {
  for (std::string_view prefix : {"https://jslib.k6.io/", "http://jslib.k6.io/"}) {
    if (!url.starts_with(prefix)) continue;
    const std::string_view rest = url.substr(prefix.size());  // "k6-utils/1.4.0/index.js"
    const std::string_view library = rest.substr(0, rest.find('/'));
    if (!rest.ends_with("/index.js")) return std::nullopt;
    std::string path = "jslib:" + std::string(library);
    if (sources().count(path)) return path;
  }
  return std::nullopt;
}

std::optional<std::string> k6_js_module_path(std::string_view specifier) {
  std::string path = "k6:" + std::string(specifier);
  if (sources().count(path)) return path;
  return std::nullopt;
}

const std::string* jslib_source(std::string_view path) {
  auto it = sources().find(path);
  return it == sources().end() ? nullptr : &it->second;
}

}  // namespace squall::k6

// The jslib.k6.io libraries that k6 scripts import most, bundled: squall never fetches code at run
// time, so `import { randomIntBetween } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js'` loads
// squall's own implementation of the library's documented API (any version).
//   k6-utils:   randomIntBetween, randomItem, randomString, uuidv4, findBetween,
//               normalDistributionStages
//   k6-summary: textSummary (the summary squall prints), jUnit (one test case per threshold)
// Some of k6's own modules are written in JavaScript here too, and bundled the same way.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace squall::k6 {

// The bundle path ("jslib:k6-utils") of a jslib.k6.io URL squall carries; nullopt for others.
std::optional<std::string> jslib_path(std::string_view url);
// The bundle path ("k6:k6/experimental/fs") of a k6 module squall writes in JavaScript
// (k6/experimental/fs, k6/experimental/csv); nullopt for others.
std::optional<std::string> k6_js_module_path(std::string_view specifier);
// The source of a bundle path jslib_path() gave; null for other paths.
const std::string* jslib_source(std::string_view path);

}  // namespace squall::k6

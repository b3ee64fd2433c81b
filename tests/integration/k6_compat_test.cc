// k6 compatibility corpus (tests/k6/compat/): scripts written here that exercise k6's API, CLI and
// output as k6 v1.3 documents them. Each script checks itself; the test asserts the run's exit
// code and that every check passed, with the count it expects (a check that silently vanished
// fails the count).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <regex>

#include "demo/demo_server.h"
#include "run_squall.h"

namespace squall {
namespace {

using squall::testing::read_json;
using squall::testing::run_squall;
using squall::testing::temp_path;

class K6Compat : public ::testing::Test {
 protected:
  void SetUp() override { server_ = squall::testing::start_demo_server({}, true); }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::string tls_base() const { return "https://127.0.0.1:" + std::to_string(server_->tls_port()); }

  // Runs tests/k6/compat/`name` with `extra` flags; every one of `checks` checks must pass.
  squall::testing::Run run_compat(const std::string& name, int checks, std::vector<std::string> extra = {}) {
    const std::string exported = temp_path(name + ".export.json");
    std::vector<std::string> args{
        "run", SQUALL_SOURCE_DIR "/tests/k6/compat/" + name, "-e", "BASE=" + base(), "--summary-export", exported};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run_squall(args);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    const auto metrics = read_json(exported)["metrics"];
    EXPECT_EQ(metrics["checks"]["fails"], 0) << r.output;
    EXPECT_EQ(metrics["checks"]["passes"], checks) << r.output;
    return r;
  }

  std::unique_ptr<demo::DemoServer> server_;
};

// The global `crypto` and every WebCrypto algorithm k6 has, against published vectors.
TEST_F(K6Compat, WebCrypto) { run_compat("webcrypto.js", 58); }

std::string compat(const std::string& name) { return SQUALL_SOURCE_DIR "/tests/k6/compat/" + name; }

// k6 warns about an options key it does not know, in its words, and runs the rest.
TEST_F(K6Compat, UnknownOptionKeysGetK6sWarning) {
  const std::string exported = temp_path("typo.json");
  auto r = run_squall({"run", compat("options_typo.js"), "--summary-export", exported});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("WARN[0000] There were unknown fields in the options exported in the script  "
                          "error=\"json: unknown field \\\"duraton\\\"\""),
            std::string::npos)
      << r.output;
  EXPECT_EQ(read_json(exported)["metrics"]["ran"]["count"], 2);
}

// k6 flags squall does not act on are refused with a reason, before anything runs.
TEST_F(K6Compat, RefusedFlagsNameTheirReason) {
  for (const std::vector<std::string>& flag : {std::vector<std::string>{"-p"},
                                               {"--paused"},
                                               {"--system-tags", "url"},
                                               {"--local-ips", "10.0.0.1"},
                                               {"--dns", "ttl=1m"},
                                               {"--compatibility-mode", "gopher"},
                                               {"--log-output", "loki=http://x"}}) {
    std::vector<std::string> args{"run", compat("rps.js"), "-e", "BASE=" + base()};
    args.insert(args.end(), flag.begin(), flag.end());
    auto r = run_squall(args);
    EXPECT_EQ(r.exit_code, 104) << flag[0] << r.output;
    EXPECT_NE(r.output.find("squall: "), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("scenario default:"), std::string::npos) << flag[0] << ": nothing may start\n" << r.output;
  }
}

// Blocked names and addresses fail the request with k6's codes and messages.
TEST_F(K6Compat, BlockedHostnamesAndBlacklistedIps) {
  auto r =
      run_compat("blocked.js", 4, {"--block-hostnames", "*.example.com", "--blacklist-ip", "10.0.0.0/8,127.0.0.0/8"});
  EXPECT_NE(r.output.find("Request Failed"), std::string::npos);
  // The same from the script's options, via K6_* variables.
  setenv("K6_BLOCK_HOSTNAMES", "*.example.com", 1);
  setenv("K6_BLACKLIST_IPS", "127.0.0.0/8", 1);
  run_compat("blocked.js", 4);
  unsetenv("K6_BLOCK_HOSTNAMES");
  unsetenv("K6_BLACKLIST_IPS");
  auto bad = run_squall({"run", compat("blocked.js"), "--blacklist-ip", "300.1.1.1/8"});
  EXPECT_EQ(bad.exit_code, 104);
  EXPECT_NE(bad.output.find("invalid IP range '300.1.1.1/8'"), std::string::npos) << bad.output;
}

TEST_F(K6Compat, SystemEnvironmentOnlyWhenIncluded) {
  setenv("SQUALL_COMPAT_MARKER", "present", 1);
  run_compat("env.js", 2, {"-e", "EXPECT_SYSTEM=yes"});
  run_compat("env.js", 2, {"-e", "EXPECT_SYSTEM=no", "--include-system-env-vars=false"});
  unsetenv("SQUALL_COMPAT_MARKER");
}

// --rps 30 with 5 VUs and 30 requests: about a second, however fast the target answers.
TEST_F(K6Compat, RpsCapsTheRequestRateOfAllVus) {
  auto r = run_compat("rps.js", 30, {"--rps", "30"});
  EXPECT_GE(r.seconds, 0.9) << r.output;
  auto unlimited = run_compat("rps.js", 30);
  EXPECT_LT(unlimited.seconds, r.seconds);
}

// The K6_* variables that stand for flags; a flag given on the command line wins.
TEST_F(K6Compat, K6VariablesStandForFlags) {
  const std::string from_env = temp_path("env-export.json"), from_flag = temp_path("flag-export.json"),
                    samples = temp_path("env-samples.json");
  std::remove(from_env.c_str());
  setenv("K6_SUMMARY_EXPORT", from_env.c_str(), 1);
  setenv("K6_OUT", ("json=" + samples).c_str(), 1);
  setenv("K6_SUMMARY_MODE", "disabled", 1);
  auto r = run_squall({"run", compat("options_typo.js")});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(read_json(from_env)["metrics"]["ran"]["count"], 2);
  EXPECT_NE(squall::testing::read_text(samples).find("\"metric\":\"ran\""), std::string::npos);
  EXPECT_EQ(r.output.find("TOTAL RESULTS"), std::string::npos) << "K6_SUMMARY_MODE=disabled: no summary";
  std::remove(from_env.c_str());
  auto flagged = run_squall({"run", compat("options_typo.js"), "--summary-export", from_flag});
  EXPECT_EQ(flagged.exit_code, 0) << flagged.output;
  EXPECT_EQ(read_json(from_flag)["metrics"]["ran"]["count"], 2);
  EXPECT_FALSE(std::filesystem::exists(from_env)) << "the flag wins over K6_SUMMARY_EXPORT";
  unsetenv("K6_SUMMARY_EXPORT");
  unsetenv("K6_OUT");
  unsetenv("K6_SUMMARY_MODE");
}

// --log-format json, --console-output, -v and --log-output none, as k6 writes its logs.
TEST_F(K6Compat, LoggingFlags) {
  auto plain = run_squall({"run", compat("logging.js"), "-q"});
  EXPECT_NE(plain.output.find("INFO[0000] a log line  source=console"), std::string::npos) << plain.output;
  EXPECT_NE(plain.output.find("WARN[0000] a warning  source=console"), std::string::npos) << plain.output;
  EXPECT_EQ(plain.output.find("a debug line"), std::string::npos) << "console.debug needs -v, as in k6";
  auto verbose = run_squall({"run", compat("logging.js"), "-q", "-v"});
  EXPECT_NE(verbose.output.find("DEBU[0000] a debug line  source=console"), std::string::npos) << verbose.output;

  auto json_lines = run_squall({"run", compat("logging.js"), "-q", "--log-format", "json"});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(json_lines.output, m, std::regex(R"(\{"level":"info","msg":"a log line"[^\n]*\})")))
      << json_lines.output;
  const auto line = nlohmann::json::parse(m.str());
  EXPECT_EQ(line["source"], "console");
  EXPECT_TRUE(line.contains("time"));

  const std::string console = temp_path("console.log");
  std::remove(console.c_str());
  auto to_file = run_squall({"run", compat("logging.js"), "-q", "--console-output", console});
  EXPECT_EQ(to_file.output.find("a log line"), std::string::npos) << to_file.output;
  EXPECT_NE(squall::testing::read_text(console).find("INFO[0000] a log line  source=console"), std::string::npos);
  auto none = run_squall({"run", compat("logging.js"), "-q", "--log-output=none"});
  EXPECT_EQ(none.output.find("a log line"), std::string::npos) << none.output;
  EXPECT_NE(none.output.find("TOTAL RESULTS"), std::string::npos) << "the summary is no log line";
}

// A .ts script importing a .ts module runs as k6 v1 runs it; an error names the .ts line.
TEST_F(K6Compat, TypeScript) {
  run_compat("typescript.ts", 4);
  auto r = run_squall({"run", compat("typescript.ts"), "-e", "BASE=" + base(), "-e", "FAIL_AT_LINE=1", "-q"});
  EXPECT_NE(r.output.find("Error: thrown on line 20 of the .ts file"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("typescript.ts:20:"), std::string::npos) << r.output;
  const std::string broken = temp_path("broken.ts");
  squall::testing::write_file(broken, "const x: number = ;\nexport default function () {}\n");
  auto bad = run_squall({"run", broken});
  EXPECT_EQ(bad.exit_code, 107) << bad.output;
  EXPECT_NE(bad.output.find("broken.ts:1:18"), std::string::npos) << bad.output;
}

// auth: 'digest' sends twice, as k6 does: the 401 challenge counts as expected, not failed.
TEST_F(K6Compat, DigestAuth) {
  run_compat("digest_auth.js", 4);
  const auto metrics = read_json(temp_path("digest_auth.js.export.json"))["metrics"];
  EXPECT_EQ(metrics["http_reqs"]["count"], 6);
  EXPECT_EQ(metrics["http_req_failed"]["passes"], 0);  // (passes of the rate: failed requests)
}

// k6/secrets from a file source (the default) and a named mock source; what a script reads is
// redacted from its log lines.
TEST_F(K6Compat, Secrets) {
  auto r = run_compat("secrets.js", 3,
                      {"--secret-source", "file=" + compat("data.secret") + ",default", "--secret-source",
                       "mock=name=another,cool=not cool"});
  EXPECT_NE(r.output.find("the secret is ***SECRET_REDACTED***"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("the secret is some"), std::string::npos) << r.output;
  auto bad = run_squall({"run", compat("secrets.js"), "--secret-source", "vault=x"});
  EXPECT_EQ(bad.exit_code, 104);
  EXPECT_NE(bad.output.find("no secret source for type \"vault\""), std::string::npos) << bad.output;
}

TEST_F(K6Compat, ExperimentalFsAndCsv) { run_compat("fs_csv.js", 20); }

TEST_F(K6Compat, HttpFormsCookieJarsInvalidUrlsAndBase64) {
  auto r = run_compat("http_extras.js", 10);
  EXPECT_NE(r.output.find("WARN[0000] Request Failed  error=\"invalid URL"), std::string::npos) << r.output;
  // No request was made for it: k6 records no sample (5 requests: the form and the cookie calls).
  EXPECT_EQ(read_json(temp_path("http_extras.js.export.json"))["metrics"]["http_reqs"]["count"], 5);
}

// squall archive writes k6's .tar (metadata.json, data, file/...), and squall run takes it back:
// its modules, its open()ed files and its env come with it; a path that leaves the folder is refused.
TEST_F(K6Compat, ArchiveAndRunTheArchive) {
  const std::string tar = temp_path("test.tar"), listing = temp_path("test.tar.txt");
  std::remove(tar.c_str());
  auto made = run_squall({"archive", "-O", tar, "-e", "FROM_ARCHIVE=yes", compat("fs_csv.js")});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  ASSERT_EQ(
      std::system(("tar tf " + tar + " > " + listing + " && tar xOf " + tar + " metadata.json >> " + listing).c_str()),
      0);
  const std::string contents = squall::testing::read_text(listing);
  for (const std::string& entry : {std::string("metadata.json\n"), std::string("data\n"),
                                   "file" + compat("fs_csv.js") + "\n", "file" + compat("data/people.csv") + "\n"}) {
    EXPECT_NE(contents.find(entry), std::string::npos) << entry << contents;
  }
  EXPECT_NE(contents.find("\"filename\":\"file://" + compat("fs_csv.js") + "\""), std::string::npos) << contents;
  EXPECT_NE(contents.find("\"env\":{\"FROM_ARCHIVE\":\"yes\"}"), std::string::npos) << contents;
  EXPECT_NE(contents.find("\"options\":{\"iterations\":2"), std::string::npos) << contents;

  const std::string exported = temp_path("archive-run.json");
  auto ran = run_squall({"run", tar, "--summary-export", exported, "-q"});
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_EQ(read_json(exported)["metrics"]["checks"]["passes"], 20);
  EXPECT_NE(ran.output.find("script: " + tar), std::string::npos) << ran.output;

  const std::string evil = temp_path("evil.tar");
  ASSERT_EQ(std::system(("python3 -c \"import io,tarfile,sys\n"
                         "t=tarfile.open(sys.argv[1],'w')\n"
                         "def add(n,b):\n i=tarfile.TarInfo(n); i.size=len(b); t.addfile(i,io.BytesIO(b))\n"
                         "add('metadata.json',b'{\\\"filename\\\":\\\"file:///x.js\\\"}')\n"
                         "add('data',b'export default function(){}')\n"
                         "add('file/../../tmp/escaped.js',b'x')\n"
                         "t.close()\" " +
                         evil)
                            .c_str()),
            0);
  auto refused = run_squall({"run", evil});
  EXPECT_EQ(refused.exit_code, 104) << refused.output;
  EXPECT_NE(refused.output.find("would leave the archive's folder"), std::string::npos) << refused.output;
}

TEST_F(K6Compat, HtmlSelections) { run_compat("html.js", 24); }

// k6's tlsCipherSuites and res.tls_cipher_suite; clickLink and submitForm on the demo's page.
TEST_F(K6Compat, TlsCipherSuitesAndForms) {
  run_compat("tls_and_forms.js", 7, {"-e", "TLS_BASE=" + tls_base()});
  const std::string bad = temp_path("bad-suite.js");
  squall::testing::write_file(bad,
                              "export const options = { tlsCipherSuites: ['TLS_NOT_A_SUITE'] };\n"
                              "export default function () {}\n");
  auto r = run_squall({"run", bad});
  EXPECT_EQ(r.exit_code, 104) << r.output;
  EXPECT_NE(r.output.find("unknown cipher suite 'TLS_NOT_A_SUITE'"), std::string::npos) << r.output;
}

// squall inspect prints the script's options (k6 inspect); squall new writes a script that runs.
TEST_F(K6Compat, InspectAndNew) {
  auto r = run_squall({"inspect", "--execution-requirements", compat("rps.js")});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto options = nlohmann::json::parse(r.output);
  EXPECT_EQ(options["vus"], 5);
  EXPECT_EQ(options["iterations"], 30);
  EXPECT_EQ(options["maxVUs"], 5);
  EXPECT_EQ(options["totalDuration"], "10m30s");  // shared-iterations: maxDuration 10m + gracefulStop 30s
  const std::string fresh = temp_path("new-script.js");
  std::remove(fresh.c_str());
  ASSERT_EQ(run_squall({"new", fresh}).exit_code, 0);
  EXPECT_EQ(run_squall({"new", fresh}).exit_code, 104) << "an existing file is not overwritten";
  auto ran = run_squall({"run", fresh, "-e", "BASE_URL=" + base(), "-d", "1s", "-u", "1", "-q"});
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  EXPECT_NE(ran.output.find("status is 200"), std::string::npos) << ran.output;
}

}  // namespace
}  // namespace squall

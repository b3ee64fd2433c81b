// The subcommands of the squall binary: each parses its flags, builds its front-end and run options,
// and hands them to the engine (or runs a tool of its own). Each returns the process exit code.
#pragma once

namespace squall::cli {

int http_command(int argc, char** argv);          // squall http URL ...
int serve_command(int argc, char** argv);         // squall serve ...
int demo_command(int argc, char** argv);          // squall demo: serve + http in one process
int artillery_command(int argc, char** argv);     // squall artillery run FILE.yml ...
int run_artillery_script(int argc, char** argv);  // squall run FILE.yml
int run_k6_script(int argc, char** argv);         // squall run FILE.js: k6 JavaScript
int locust_command(int argc, char** argv);        // squall locust -f FILE.py (also squall run FILE.py)
int compare_command(int argc, char** argv);       // squall compare BASELINE CURRENT
int report_command(int argc, char** argv);        // squall report RESULTS -o report.html
int inspect_command(int argc, char** argv);       // squall inspect SCRIPT.js: k6's options as JSON
int archive_command(int argc, char** argv);       // squall archive SCRIPT.js: k6's .tar
int new_command(int argc, char** argv);           // squall new [FILE]: a k6 script to start from
int control_command(int argc, char** argv);       // squall status|pause|resume|scale|stats (argv[1])

}  // namespace squall::cli

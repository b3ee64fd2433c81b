"""Locust's statistics, read from squall's metrics (HDR histograms, so
percentiles are not rounded to 2 digits and never exceed the max): the
console tables and the --csv files, in Locust's formats."""
import csv

import _squall_native as native

PERCENTILES_TO_REPORT = [0.50, 0.66, 0.75, 0.80, 0.90, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0]
STATS_NAME_WIDTH = 80
STATS_TYPE_WIDTH = 8
CURRENT_WINDOW_SECONDS = 10


def readable_percentiles(percentiles):
    return [f"{int(p * 100) if (p * 100).is_integer() else round(100 * p, 6)}%" for p in percentiles]


class StatsEntry:
    """One (method, name) row, or the Aggregated total (method None)."""

    def __init__(self, row, elapsed, current=None):
        self._row = row
        self.method = row.method or None
        self.name = row.name
        self.num_requests = row.num_requests
        self.num_failures = row.num_failures
        self.total_response_time = row.total_response_time
        self.min_response_time = row.min_response_time if row.num_requests else None
        self.max_response_time = row.max_response_time
        self.total_content_length = row.total_content_length
        self._elapsed = max(elapsed, 1e-9)
        self._current = current

    @property
    def fail_ratio(self):
        return self.num_failures / self.num_requests if self.num_requests else 0.0

    @property
    def avg_response_time(self):
        return self.total_response_time / self.num_requests if self.num_requests else 0.0

    @property
    def median_response_time(self):
        return int(round(self.get_response_time_percentile(0.5))) if self.num_requests else 0

    @property
    def avg_content_length(self):
        return self.total_content_length / self.num_requests if self.num_requests else 0.0

    @property
    def total_rps(self):
        return self.num_requests / self._elapsed

    @property
    def total_fail_per_sec(self):
        return self.num_failures / self._elapsed

    @property
    def current_rps(self):
        return self._current.num_requests / CURRENT_WINDOW_SECONDS if self._current else 0.0

    @property
    def current_fail_per_sec(self):
        return self._current.num_failures / CURRENT_WINDOW_SECONDS if self._current else 0.0

    def get_response_time_percentile(self, percent):
        return self._row.percentile(percent)

    def get_current_response_time_percentile(self, percent):
        return self._current.percentile(percent) if self._current and self._current.num_requests else None

    def to_string(self, current=True):
        rps = self.current_rps if current else self.total_rps
        fails = self.current_fail_per_sec if current else self.total_fail_per_sec
        return ("%-" + str(STATS_TYPE_WIDTH) + "s %-" + str(STATS_NAME_WIDTH - STATS_TYPE_WIDTH + 4)
                + "s %7d %12s |%7d %7d %7d%7d | %7.2f %11.2f") % (
            (self.method + " ") if self.method else "", self.name, self.num_requests,
            "%d(%.2f%%)" % (self.num_failures, self.fail_ratio * 100), self.avg_response_time,
            self.min_response_time or 0, self.max_response_time, self.median_response_time or 0, rps or 0,
            fails or 0)

    def percentile_line(self):
        template = (f"%-{STATS_TYPE_WIDTH}s %-{STATS_NAME_WIDTH}s %8d "
                    f"{' '.join(['%6d'] * len(PERCENTILES_TO_REPORT))}")
        return template % ((self.method or "", self.name)
                           + tuple(self.get_response_time_percentile(p) for p in PERCENTILES_TO_REPORT)
                           + (self.num_requests,))


class StatsError:
    def __init__(self, method, name, error, occurrences):
        self.method, self.name, self.error, self.occurrences = method, name, error, occurrences

    def to_name(self):
        return f"{self.method} {self.name}: {self.error}"  # the error's repr, as a standalone Locust shows it


class RequestStats:
    def __init__(self, entries, total, errors):
        self.entries = entries
        self.total = total
        self.errors = errors

    def get(self, name, method):
        return self.entries.get((name, method))

    @classmethod
    def snapshot(cls):
        elapsed = native.elapsed()
        current = {(r.name, r.method): r for r in native.stats(CURRENT_WINDOW_SECONDS)}
        entries, total = {}, None
        for row in native.stats(0):
            entry = StatsEntry(row, elapsed, current.get((row.name, row.method)))
            if row.method == "" and row.name == "Aggregated":
                total = entry
            else:
                entries[(row.name, row.method)] = entry
        errors = {}
        runner = _runner()
        if runner is not None:
            for (method, name, text), count in sorted(runner.errors.items()):
                errors[(method, name, text)] = StatsError(method, name, text, count)
        return cls(entries, total, errors)


def _runner():
    from . import _squall

    return _squall.environment.runner if _squall.environment is not None else None


def stats_lines(stats, current=True):
    name_width = STATS_NAME_WIDTH - STATS_TYPE_WIDTH + 4
    lines = [("%-" + str(STATS_TYPE_WIDTH) + "s %-" + str(name_width) + "s %7s %12s |%7s %7s %7s%7s | %7s %11s")
             % ("Type", "Name", "# reqs", "# fails", "Avg", "Min", "Max", "Med", "req/s", "failures/s")]
    separator = (f'{"-" * STATS_TYPE_WIDTH}|{"-" * name_width}|{"-" * 7}|{"-" * 13}|{"-" * 7}|{"-" * 7}|'
                 f'{"-" * 7}|{"-" * 7}|{"-" * 8}|{"-" * 11}')
    lines.append(separator)
    for key in sorted(stats.entries):
        lines.append(stats.entries[key].to_string(current))
    lines.append(separator)
    lines.append(stats.total.to_string(current))
    return lines


def percentile_lines(stats):
    lines = ["Response time percentiles (approximated)"]
    headers = ("Type", "Name") + tuple(readable_percentiles(PERCENTILES_TO_REPORT)) + ("# reqs",)
    lines.append((f"%-{STATS_TYPE_WIDTH}s %-{STATS_NAME_WIDTH}s %8s "
                  f"{' '.join(['%6s'] * len(PERCENTILES_TO_REPORT))}") % headers)
    separator = (f'{"-" * STATS_TYPE_WIDTH}|{"-" * STATS_NAME_WIDTH}|{"-" * 8}|'
                 f'{("-" * 6 + "|") * len(PERCENTILES_TO_REPORT)}')[:-1]
    lines.append(separator)
    for key in sorted(stats.entries):
        if stats.entries[key].num_requests:
            lines.append(stats.entries[key].percentile_line())
    lines.append(separator)
    if stats.total.num_requests:
        lines.append(stats.total.percentile_line())
    return lines


def error_lines(stats):
    if not stats.errors:
        return []
    lines = ["Error report", "%-18s %-100s" % ("# occurrences", "Error")]
    separator = f'{"-" * 18}|{"-" * (80 + STATS_NAME_WIDTH - 19)}'
    lines.append(separator)
    for error in stats.errors.values():
        lines.append("%-18i %-100s" % (error.occurrences, error.to_name()))
    lines.append(separator)
    lines.append("")
    return lines


def _percentile_fields(entry, current=False):
    if not entry.num_requests:
        return ["N/A"] * len(PERCENTILES_TO_REPORT)
    if current:
        return [int(entry.get_current_response_time_percentile(p) or 0) for p in PERCENTILES_TO_REPORT]
    return [int(entry.get_response_time_percentile(p) or 0) for p in PERCENTILES_TO_REPORT]


REQUESTS_COLUMNS = ["Type", "Name", "Request Count", "Failure Count", "Median Response Time",
                    "Average Response Time", "Min Response Time", "Max Response Time", "Average Content Size",
                    "Requests/s", "Failures/s"] + readable_percentiles(PERCENTILES_TO_REPORT)
HISTORY_COLUMNS = (["Timestamp", "User Count", "Type", "Name", "Requests/s", "Failures/s"]
                   + readable_percentiles(PERCENTILES_TO_REPORT)
                   + ["Total Request Count", "Total Failure Count", "Total Median Response Time",
                      "Total Average Response Time", "Total Min Response Time", "Total Max Response Time",
                      "Total Average Content Size"])


class CsvWriter:
    """--csv PREFIX: PREFIX_stats.csv, _stats_history.csv (a row each second), _failures.csv, _exceptions.csv."""

    def __init__(self, prefix, full_history=False):
        self.prefix = prefix
        self.full_history = full_history
        self._history = open(prefix + "_stats_history.csv", "w", newline="")
        self._history_writer = csv.writer(self._history)
        self._history_writer.writerow(HISTORY_COLUMNS)

    def history_row(self, timestamp, user_count):
        stats = RequestStats.snapshot()
        entries = [stats.entries[k] for k in sorted(stats.entries)] if self.full_history else []
        for entry in entries + [stats.total]:
            self._history_writer.writerow(
                [timestamp, user_count, entry.method or "", entry.name, f"{entry.current_rps:2f}",
                 f"{entry.current_fail_per_sec:2f}"]
                + _percentile_fields(entry, current=self.full_history)
                + [entry.num_requests, entry.num_failures, entry.median_response_time, entry.avg_response_time,
                   entry.min_response_time or 0, entry.max_response_time, entry.avg_content_length])
        self._history.flush()

    def write_final(self, runner):
        stats = RequestStats.snapshot()
        with open(self.prefix + "_stats.csv", "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(REQUESTS_COLUMNS)
            for entry in [stats.entries[k] for k in sorted(stats.entries)] + [stats.total]:
                writer.writerow([entry.method, entry.name, entry.num_requests, entry.num_failures,
                                 entry.median_response_time, entry.avg_response_time,
                                 entry.min_response_time or 0, entry.max_response_time, entry.avg_content_length,
                                 entry.total_rps, entry.total_fail_per_sec] + _percentile_fields(entry))
        with open(self.prefix + "_failures.csv", "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["Method", "Name", "Error", "Occurrences"])
            for error in stats.errors.values():
                writer.writerow([error.method, error.name, error.error, error.occurrences])
        with open(self.prefix + "_exceptions.csv", "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["Count", "Message", "Traceback", "Nodes"])
            for row in runner.exceptions.values():
                writer.writerow([row["count"], row["msg"], row["traceback"], ", ".join(sorted(row["nodes"]))])
        self._history.close()

// A small SVG line-chart renderer for the HTML report: no script, no fetch,
// so the report stays one self-contained file (docs/report.md says why this
// rather than a charting library).
#pragma once

#include <string>
#include <vector>

namespace squall::report {

struct ChartSeries {
  std::string name;
  std::string color;           // CSS colour
  std::vector<double> values;  // one per x; NaN leaves a gap
};

// x values are seconds since the start; `unit` labels the y axis ("ms", "req/s", "%").
std::string svg_line_chart(const std::string& title, const std::vector<double>& x,
                           const std::vector<ChartSeries>& series, const std::string& unit);

}  // namespace squall::report

#include "report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report/xml_escape.h"

namespace squall::report {

namespace {

constexpr double kWidth = 720, kHeight = 240, kLeft = 56, kRight = 16, kTop = 28, kBottom = 36;

// A "nice" axis maximum (1, 2, 2.5, 5 x 10^k) at or above `v`.
double nice_ceiling(double v) {
  if (v <= 0) return 1;
  const double magnitude = std::pow(10, std::floor(std::log10(v)));
  for (double step : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (step * magnitude >= v) return step * magnitude;
  }
  return 10 * magnitude;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, std::fabs(v) >= 100 || v == std::floor(v) ? "%.0f" : "%.3g", v);
  return buf;
}

}  // namespace

std::string svg_line_chart(const std::string& title, const std::vector<double>& x,
                           const std::vector<ChartSeries>& series, const std::string& unit) {
  double y_max = 0, x_max = x.empty() ? 1 : std::max(1.0, x.back());
  for (const auto& s : series) {
    for (double v : s.values) {
      if (std::isfinite(v)) y_max = std::max(y_max, v);
    }
  }
  y_max = nice_ceiling(y_max);
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  auto px = [&](double xv) { return kLeft + xv / x_max * plot_w; };
  auto py = [&](double yv) { return kTop + plot_h - yv / y_max * plot_h; };
  char buf[256];
  std::string out;
  std::snprintf(buf, sizeof buf,
                "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" role=\"img\">",
                kWidth, kHeight);
  out += buf;
  out += "<title>" + xml_escape(title) + "</title>";
  std::snprintf(buf, sizeof buf, "<text x=\"%.0f\" y=\"18\" class=\"chart-title\">", kLeft);
  out += buf + xml_escape(title) + " (" + xml_escape(unit) + ")</text>";
  for (int i = 0; i <= 4; ++i) {  // horizontal grid with labels
    const double v = y_max * i / 4, y = py(v);
    std::snprintf(buf, sizeof buf, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", kLeft, y,
                  kWidth - kRight, y);
    out += buf;
    std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"end\">%s</text>",
                  kLeft - 6, y + 4, number(v).c_str());
    out += buf;
  }
  for (int i = 0; i <= 5; ++i) {  // time axis
    const double v = x_max * i / 5;
    std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\" text-anchor=\"middle\">%ss</text>",
                  px(v), kHeight - kBottom + 16, number(v).c_str());
    out += buf;
  }
  double legend_x = kLeft;
  for (const auto& s : series) {
    std::string points;
    size_t drawn = 0;
    auto flush = [&] {
      if (drawn > 0)
        out += "<polyline class=\"line\" data-series=\"" + xml_escape(s.name) + "\" fill=\"none\" stroke=\"" + s.color +
               "\" stroke-width=\"1.8\" points=\"" + points + "\"/>";
      points.clear();
      drawn = 0;
    };
    for (size_t i = 0; i < x.size() && i < s.values.size(); ++i) {
      if (!std::isfinite(s.values[i])) {
        flush();
        continue;
      }
      std::snprintf(buf, sizeof buf, "%s%.1f,%.1f", points.empty() ? "" : " ", px(x[i]), py(s.values[i]));
      points += buf;
      ++drawn;
    }
    flush();
    std::snprintf(buf, sizeof buf, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>", legend_x,
                  kHeight - 14, s.color.c_str());
    out += buf;
    std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\" class=\"legend\">", legend_x + 14, kHeight - 5);
    out += buf + xml_escape(s.name) + "</text>";
    legend_x += 24 + 7.0 * static_cast<double>(s.name.size());
  }
  out += "</svg>";
  return out;
}

}  // namespace squall::report

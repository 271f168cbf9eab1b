// A small inline-SVG writer for the HTML report: shapes, text, scales and
// axis ticks. Everything it emits is escaped, so series names with '<' or
// '&' cannot break the page.
//
//   Svg svg(400, 120);
//   LinearScale x{0, 100, 40, 390};
//   svg.Circle(x(42), 60, 3, "#1f77b4");
//   svg.Text(x(42), 20, "42 MiB/s", "middle");
//   std::string markup = svg.Finish();  // "<svg ...>...</svg>"
#ifndef PERFCELL_ANALYSIS_SVG_H_
#define PERFCELL_ANALYSIS_SVG_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace perfcell::analysis {

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string HtmlEscape(absl::string_view text);

// Maps [domain_low, domain_high] linearly onto [range_low, range_high].
struct LinearScale {
  double domain_low, domain_high, range_low, range_high;
  double operator()(double value) const;
};

// About `count` round tick values (1, 2 or 5 times a power of ten apart)
// covering [low, high].
std::vector<double> NiceTicks(double low, double high, int count);

class Svg {
 public:
  Svg(double width, double height);

  void Line(double x1, double y1, double x2, double y2,
            absl::string_view stroke, double width = 1,
            absl::string_view dash = "");
  void Rect(double x, double y, double width, double height,
            absl::string_view fill, double opacity = 1);
  // A dot; `title` becomes a hover tooltip when not empty.
  void Circle(double cx, double cy, double r, absl::string_view fill,
              absl::string_view stroke = "", absl::string_view title = "");
  void Cross(double cx, double cy, double half, absl::string_view stroke,
             absl::string_view title = "");
  void Text(double x, double y, absl::string_view text,
            absl::string_view anchor = "start", double size = 11,
            absl::string_view fill = "#333", bool bold = false);

  std::string Finish() const;

 private:
  double width_, height_;
  std::string body_;
};

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_SVG_H_

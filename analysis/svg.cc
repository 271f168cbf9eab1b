#include "analysis/svg.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace perfcell::analysis {

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

double LinearScale::operator()(double value) const {
  if (domain_high == domain_low) return (range_low + range_high) / 2;
  return range_low + (value - domain_low) / (domain_high - domain_low) *
                         (range_high - range_low);
}

std::vector<double> NiceTicks(double low, double high, int count) {
  std::vector<double> ticks;
  if (!(high > low) || count < 1) return ticks;
  const double raw = (high - low) / count;
  const double magnitude = std::pow(10, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double factor : {1.0, 2.0, 5.0, 10.0}) {
    step = factor * magnitude;
    if (step >= raw) break;
  }
  const long first = std::lround(std::ceil(low / step - 1e-9));
  const long last = std::lround(std::floor(high / step + 1e-9));
  for (long i = first; i <= last; ++i) ticks.push_back(i * step);
  return ticks;
}

Svg::Svg(double width, double height) : width_(width), height_(height) {}

void Svg::Line(double x1, double y1, double x2, double y2,
               absl::string_view stroke, double width, absl::string_view dash) {
  absl::StrAppendFormat(
      &body_,
      "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
      "stroke-width=\"%.1f\"%s/>",
      x1, y1, x2, y2, HtmlEscape(stroke), width,
      dash.empty()
          ? ""
          : absl::StrCat(" stroke-dasharray=\"", HtmlEscape(dash), "\""));
}

void Svg::Rect(double x, double y, double width, double height,
               absl::string_view fill, double opacity) {
  absl::StrAppendFormat(&body_,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                        "height=\"%.1f\" fill=\"%s\" fill-opacity=\"%.2f\"/>",
                        x, y, std::max(0.0, width), std::max(0.0, height),
                        HtmlEscape(fill), opacity);
}

void Svg::Circle(double cx, double cy, double r, absl::string_view fill,
                 absl::string_view stroke, absl::string_view title) {
  absl::StrAppendFormat(&body_,
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" "
                        "fill=\"%s\"%s>",
                        cx, cy, r, HtmlEscape(fill),
                        stroke.empty()
                            ? ""
                            : absl::StrCat(" stroke=\"", HtmlEscape(stroke),
                                           "\" stroke-width=\"1.2\""));
  if (!title.empty()) {
    absl::StrAppend(&body_, "<title>", HtmlEscape(title), "</title>");
  }
  body_ += "</circle>";
}

void Svg::Cross(double cx, double cy, double half, absl::string_view stroke,
                absl::string_view title) {
  absl::StrAppendFormat(&body_,
                        "<path d=\"M%.1f %.1fL%.1f %.1fM%.1f %.1fL%.1f %.1f\" "
                        "stroke=\"%s\" stroke-width=\"1.5\">",
                        cx - half, cy - half, cx + half, cy + half, cx - half,
                        cy + half, cx + half, cy - half, HtmlEscape(stroke));
  if (!title.empty()) {
    absl::StrAppend(&body_, "<title>", HtmlEscape(title), "</title>");
  }
  body_ += "</path>";
}

void Svg::Text(double x, double y, absl::string_view text,
               absl::string_view anchor, double size, absl::string_view fill,
               bool bold) {
  absl::StrAppendFormat(&body_,
                        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" "
                        "font-size=\"%.0f\" fill=\"%s\"%s>%s</text>",
                        x, y, HtmlEscape(anchor), size, HtmlEscape(fill),
                        bold ? " font-weight=\"bold\"" : "", HtmlEscape(text));
}

std::string Svg::Finish() const {
  return absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
      "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
      "font-family=\"sans-serif\">%s</svg>",
      width_, height_, width_, height_, body_);
}

}  // namespace perfcell::analysis

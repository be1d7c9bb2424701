#include "parse_problems.hpp"

#include <utility>

#include "bccshield/utf8.hpp"
#include "character_tables.hpp"

namespace bccshield::detail {

namespace {
constexpr std::size_t kMaxProblemText = 200;
}  // namespace

// Cut after the repair, which can grow a byte to three.
std::string bounded_problem_text(std::string_view raw) {
  std::string text;
  append_valid_utf8(raw.substr(0, kMaxProblemText), text);
  if (text.size() > kMaxProblemText) {
    std::size_t cut = kMaxProblemText;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;
    text.resize(cut);
  }
  return text;
}

// Past max_entries: the rest of the input is one problem, and parsing stops.
bool ProblemLog::overflow(std::size_t entry_start) {
  stopped_ = true;
  ParseProblem p;
  p.text = text(entry_start, s_.size());
  p.reason = "too-many-entries";
  problems_.push_back(std::move(p));
  return false;
}

void ProblemLog::add(std::size_t from, std::size_t to, const char* reason) {
  // The entry a problem stands for starts where its text does.
  if (stopped_ || !count_entry(from)) return;
  last_reason_ = reason;
  last_end_ = to;
  ParseProblem p;
  p.text = text(from, to);
  p.reason = reason;
  problems_.push_back(std::move(p));
}

std::string ProblemLog::text(std::size_t from, std::size_t to) const {
  if (to > s_.size()) to = s_.size();
  if (from > to) from = to;
  std::string_view raw = s_.substr(from, to - from);
  while (!raw.empty() && is_wsp(raw.front())) raw.remove_prefix(1);
  while (!raw.empty() && is_wsp(raw.back())) raw.remove_suffix(1);
  return bounded_problem_text(raw);
}

}  // namespace bccshield::detail

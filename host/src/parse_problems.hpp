#pragma once
// Entry counting and problem reporting for one parse: ParseLimits::max_entries bounds the
// mailboxes and problems together; past it, the rest of the input is one problem.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bccshield/address_list.hpp"

namespace bccshield::detail {

// ParseProblem::text for `raw`: valid UTF-8 of at most 200 bytes.
std::string bounded_problem_text(std::string_view raw);

class ProblemLog {
 public:
  ProblemLog(std::string_view text, std::size_t max_entries) : s_(text), max_(max_entries) {}

  // Counts one entry starting at `entry_start`. False past max_entries: the rest of the
  // input from there is reported as too-many-entries and parsing must stop.
  bool count_entry(std::size_t entry_start) {
    if (count_ < max_) {
      ++count_;
      return true;
    }
    return overflow(entry_start);
  }
  // The text from..to (trimmed) as a problem, counted as an entry.
  void add(std::size_t from, std::size_t to, const char* reason);

  [[nodiscard]] bool stopped() const { return stopped_; }
  // True when the last problem has this reason (compared by address) and ends at `end`.
  [[nodiscard]] bool last_is(const char* reason, std::size_t end) const {
    return last_reason_ == reason && last_end_ == end;
  }
  // Lets the last problem absorb what follows, up to `end` (a run of separators is one).
  void set_last_end(std::size_t end) { last_end_ = end; }
  std::vector<ParseProblem> take() { return std::move(problems_); }

 private:
  bool overflow(std::size_t entry_start);
  [[nodiscard]] std::string text(std::size_t from, std::size_t to) const;

  std::string_view s_;
  std::size_t max_;
  std::size_t count_ = 0;
  bool stopped_ = false;
  const char* last_reason_ = nullptr;
  std::size_t last_end_ = 0;
  std::vector<ParseProblem> problems_;
};

}  // namespace bccshield::detail

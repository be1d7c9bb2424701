#include "jsmime_cleaning.hpp"

#include <cstring>

#include "bccshield/utf8.hpp"
#include "character_tables.hpp"

namespace bccshield::detail {
namespace {

// What cleanToken does with one code point.
enum class CleanAction : std::uint8_t { kKeep, kSpace, kDrop };

CleanAction clean_action(std::uint32_t cp) {
  if (cp < 0x20)
    return (cp == '\t' || cp == '\n' || cp == '\r') ? CleanAction::kKeep : CleanAction::kDrop;
  if (cp < 0x7F) return CleanAction::kKeep;
  if (cp <= 0x9F) return CleanAction::kDrop;  // DEL and C1 controls
  if (cp == 0xA0 || cp == 0xAD) return CleanAction::kSpace;
  if (cp < 0x34F) return CleanAction::kKeep;
  if (cp == 0x34F) return CleanAction::kDrop;
  if (cp == 0x61C || cp == 0x6DD || cp == 0x70F || cp == 0x8E2) return CleanAction::kSpace;
  if (cp == 0x1680) return CleanAction::kSpace;
  if (cp == 0x17B4 || cp == 0x17B5 || (cp >= 0x180B && cp <= 0x180D)) return CleanAction::kDrop;
  if (cp == 0x180E) return CleanAction::kSpace;
  if (cp >= 0x2000 && cp <= 0x200C) return CleanAction::kSpace;
  if (cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202F) || cp == 0x205F) {
    return CleanAction::kSpace;
  }
  if ((cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x206F)) return CleanAction::kSpace;
  if (cp == 0x2800 || cp == 0x3000) return CleanAction::kSpace;
  if (cp >= 0xFE00 && cp <= 0xFE0D) return CleanAction::kDrop;
  if (cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB)) return CleanAction::kSpace;
  if (cp < 0x10000) return CleanAction::kKeep;
  if (cp == 0x110BD || cp == 0x110CD || (cp >= 0x13430 && cp <= 0x13438))
    return CleanAction::kSpace;
  if ((cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A))
    return CleanAction::kSpace;
  if (cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F)) return CleanAction::kSpace;
  if (cp >= 0xE0100 && cp <= 0xE01EF) return CleanAction::kDrop;
  return CleanAction::kKeep;
}

constexpr std::uint32_t kZwj = 0x200D;
bool is_vs(std::uint32_t cp) { return cp == 0xFE0E || cp == 0xFE0F; }

// JavaScript's \s (what jsmime collapses in names).
bool is_js_space(std::uint32_t cp) {
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

}  // namespace

bool is_clean_text(std::string_view s) {
  const std::size_t n = s.size();
  const char* const d = s.data();
  for (std::size_t i = printable_ascii_prefix(s); i < n; ++i) {
    i = run_end(kPrintableAscii, d, i, n);  // the ASCII between the code points to check
    if (i == n) break;
    const auto b = static_cast<unsigned char>(d[i]);
    if (b == '\t' || b == '\n' || b == '\r') continue;
    if (b < 0x80 || i + 1 >= n) return false;
    const auto c1 = static_cast<unsigned char>(d[i + 1]);
    if ((c1 & 0xC0U) != 0x80U) return false;
    if (b >= 0xC2 && b <= 0xD7) {
      if (b == 0xC2 && (c1 <= 0xA0 || c1 == 0xAD)) return false;  // C1 controls, NBSP, SHY
      if (b == 0xCD && c1 == 0x8F) return false;                  // U+034F
      ++i;
      continue;
    }
    if (b >= 0xE4 && b <= 0xE9 && i + 2 < n &&
        (static_cast<unsigned char>(d[i + 2]) & 0xC0U) == 0x80U) {
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

bool has_invisible(std::string_view s) {
  for (std::size_t i = ascii_prefix(s); i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::uint32_t cp = next_code_point(s, i);
    if (clean_action(cp) != CleanAction::kKeep || cp == kZwj || is_vs(cp) || is_js_space(cp)) {
      return true;
    }
  }
  return false;
}

void normalize_spaces(std::string_view in, std::string& out) {
  // Printable ASCII without leading, trailing or doubled spaces is already normal.
  if (!in.empty() && in.front() != ' ' && in.back() != ' ' &&
      printable_ascii_prefix(in) == in.size() && in.find("  ") == std::string_view::npos) {
    out.assign(in);
    return;
  }
  out.clear();
  out.reserve(in.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < in.size();) {
    const std::size_t start = i;
    const auto byte = static_cast<unsigned char>(in[i]);
    const std::uint32_t cp = byte < 0x80 ? (++i, byte) : next_code_point(in, i);
    if (is_js_space(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    if (i - start == 1) {
      // Copy the whole run of printable ASCII at once.
      while (i < in.size() && static_cast<unsigned char>(in[i]) > ' ' &&
             static_cast<unsigned char>(in[i]) < 0x7F) {
        ++i;
      }
    }
    out.append(in.substr(start, i - start));
  }
}

bool is_normal_clean_name(std::string_view s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ' || s.find("  ") != std::string_view::npos)
    return false;
  // In clean text the only JavaScript spaces are ' ', tab, CR and LF (the others are controls
  // or code points is_clean_text refuses): no byte below ' ' leaves single spaces only.
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  const char* const d = s.data();
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, d + i, sizeof word);
    if (((word - kOnes * 0x20U) & ~word & kHighs) != 0) return false;
  }
  for (; i < s.size(); ++i) {
    if (static_cast<unsigned char>(d[i]) < 0x20) return false;
  }
  return is_clean_text(s);
}

bool TextCleaner::clean(std::string_view token, std::string& out) {
  std::vector<std::uint32_t>& a = a_;
  std::vector<std::uint32_t>& b = b_;
  std::string& utf8 = utf8_;
  if (is_clean_text(token)) {
    out.append(token);
    return false;
  }
  utf8.clear();
  bool changed = append_valid_utf8(token, utf8);
  a.clear();
  for (std::size_t i = 0; i < utf8.size();) {
    const std::uint32_t cp = next_code_point(utf8, i);
    switch (clean_action(cp)) {
      case CleanAction::kKeep:
        a.push_back(cp);
        break;
      case CleanAction::kSpace:
        a.push_back(' ');
        changed = true;
        break;
      case CleanAction::kDrop:
        changed = true;
        break;
    }
  }
  // A zero-width joiner next to a space (or at an end) becomes a space.
  b.clear();
  for (std::size_t k = 0; k < a.size();) {
    if (k == 0 && a[k] == kZwj) {
      b.push_back(' ');
      k += 1;
    } else if (a[k] == ' ' && k + 1 < a.size() && a[k + 1] == kZwj) {
      b.push_back(' ');
      k += 2;
    } else if (a[k] == kZwj && (k + 1 == a.size() || a[k + 1] == ' ')) {
      b.push_back(' ');
      k += (k + 1 == a.size()) ? std::size_t{1} : std::size_t{2};
    } else {
      b.push_back(a[k]);
      k += 1;
      continue;
    }
    changed = true;
  }
  // Variation selectors at the start or after a space become one space.
  a.clear();
  for (std::size_t k = 0; k < b.size();) {
    std::size_t run = k;
    if (k == 0 && is_vs(b[k])) {
      run = k;
    } else if (b[k] == ' ' && k + 1 < b.size() && is_vs(b[k + 1])) {
      run = k + 1;
    } else {
      a.push_back(b[k]);
      ++k;
      continue;
    }
    while (run < b.size() && is_vs(b[run])) ++run;
    a.push_back(' ');
    k = run;
    changed = true;
  }
  // Runs of variation selectors keep their first one.
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (k > 0 && is_vs(a[k]) && is_vs(a[k - 1])) {
      changed = true;
      continue;
    }
    append_code_point(a[k], out);
  }
  return changed;
}

}  // namespace bccshield::detail

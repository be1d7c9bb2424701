#include "bccshield/domain.hpp"

#include <idn2.h>
#include <libpsl.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace bccshield {
namespace {

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_ldh(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

struct FreeDeleter {
  void operator()(char* p) const { idn2_free(p); }
};

}  // namespace

std::optional<std::string> normalize_domain(std::string_view domain) {
  while (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  if (domain.empty()) return std::nullopt;
  // Domain literals ([192.0.2.1]) are not names: compare them as written, lower-cased.
  if (domain.front() == '[') {
    std::string literal(domain);
    std::transform(literal.begin(), literal.end(), literal.begin(), ascii_lower);
    return literal;
  }
  // Plain ASCII names are their own UTS-46 form once lower-cased: skip libidn2 (hot path).
  if (std::all_of(domain.begin(), domain.end(), is_ldh)) {
    std::string ascii(domain);
    std::transform(ascii.begin(), ascii.end(), ascii.begin(), ascii_lower);
    if (ascii.find("..") != std::string::npos || ascii.front() == '.') return std::nullopt;
    return ascii;
  }
  const std::string input(domain);
  char* raw = nullptr;
  const int rc = idn2_to_ascii_8z(input.c_str(), &raw, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
  std::unique_ptr<char, FreeDeleter> output(raw);
  if (rc != IDN2_OK || !output) return std::nullopt;
  std::string ascii(output.get());
  std::transform(ascii.begin(), ascii.end(), ascii.begin(), ascii_lower);
  while (!ascii.empty() && ascii.back() == '.') ascii.pop_back();
  // libidn2 lets empty labels through ("Bücher...example"): refuse them as the ASCII path does.
  if (ascii.empty() || ascii.find("..") != std::string::npos || ascii.front() == '.') {
    return std::nullopt;
  }
  return ascii;
}

std::string registrable_domain(std::string_view normalized_domain) {
  const std::string domain(normalized_domain);
  if (domain.empty() || domain.front() == '[') return domain;
  const char* registrable = psl_registrable_domain(psl_builtin(), domain.c_str());
  return registrable != nullptr ? std::string(registrable) : domain;
}

long long public_suffix_list_time() { return static_cast<long long>(psl_builtin_file_time()); }

bool is_same_or_subdomain(std::string_view domain, std::string_view parent) {
  if (parent.empty() || domain.size() < parent.size()) return false;
  if (domain.size() == parent.size()) return domain == parent;
  return domain.ends_with(parent) && domain[domain.size() - parent.size() - 1] == '.';
}

}  // namespace bccshield

#include "print_error.hpp"

#include <iostream>

#include "bccshield/identity.hpp"

namespace bccshield {
namespace {

// Where a word ends around an '@': spaces, quotes and the brackets addresses are written in.
bool is_word_boundary(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '<' ||
         c == '>' || c == '(' || c == ')' || c == '[' || c == ']' || c == ',' || c == ';';
}

}  // namespace

std::string withhold_addresses(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  std::size_t copied = 0;
  for (std::size_t at = message.find('@'); at != std::string_view::npos;
       at = message.find('@', at + 1)) {
    if (at < copied) continue;  // inside a word already withheld
    std::size_t begin = at;
    while (begin > copied && !is_word_boundary(message[begin - 1])) --begin;
    std::size_t end = at + 1;
    while (end < message.size() && !is_word_boundary(message[end])) ++end;
    const std::string_view word = message.substr(begin, end - begin);
    if (begin == at || end == at + 1 || word == default_extension_id) continue;
    out.append(message.substr(copied, begin - copied)).append("(address withheld)");
    copied = end;
  }
  out.append(message.substr(copied));
  return out;
}

void print_error(std::string_view message) {
  std::cerr << "bccshield-host: " << withhold_addresses(message) << std::endl;
}

}  // namespace bccshield

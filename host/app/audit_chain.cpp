#include "audit_chain.hpp"

#include <sodium.h>

#include <array>

namespace bccshield {
namespace {

constexpr std::string_view kChainContext = "bccshield audit chain v1";
constexpr std::string_view kMemberStart = ",\"chain\":\"";
constexpr std::size_t kChainHexDigits = 64;

}  // namespace

std::string audit_chain_value(const AuditSecret& secret, std::string_view previous_chain,
                              std::string_view content) {
  // Context, NUL, previous value, NUL, content: unambiguous (hex holds no NUL), and never equal
  // to an address pseudonym's input (an address key does not start with this context).
  crypto_generichash_state state;
  crypto_generichash_init(&state, secret.key.data(), secret.key.size(), kChainHexDigits / 2);
  const auto feed = [&](std::string_view part) {
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(part.data()),
                              part.size());
  };
  feed(kChainContext);
  feed(std::string_view("\0", 1));
  feed(previous_chain);
  feed(std::string_view("\0", 1));
  feed(content);
  std::array<unsigned char, kChainHexDigits / 2> out{};
  crypto_generichash_final(&state, out.data(), out.size());
  std::string hex(kChainHexDigits + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), out.data(), out.size());
  hex.pop_back();
  return hex;
}

std::string chained_line(std::string_view content, std::string_view chain_value) {
  std::string line(content);
  append_chain_member(line, chain_value);
  return line;
}

void append_chain_member(std::string& line, std::string_view chain_value) {
  if (!line.empty()) line.pop_back();  // its '}'
  line += kMemberStart;
  line += chain_value;
  line += "\"}";
}

std::optional<ChainedLine> split_chained_line(std::string_view line) {
  const std::size_t suffix = kMemberStart.size() + kChainHexDigits + 2;
  if (line.size() <= suffix || !line.ends_with("\"}")) return std::nullopt;
  const std::size_t start = line.size() - suffix;
  if (line.substr(start, kMemberStart.size()) != kMemberStart) return std::nullopt;
  const std::string_view value = line.substr(start + kMemberStart.size(), kChainHexDigits);
  if (value.find_first_not_of("0123456789abcdef") != std::string_view::npos) return std::nullopt;
  return ChainedLine{std::string(line.substr(0, start)) + "}", std::string(value)};
}

}  // namespace bccshield

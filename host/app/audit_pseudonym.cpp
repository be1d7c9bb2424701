#include "audit_pseudonym.hpp"

#include "bccshield/address_list.hpp"
#include "bccshield/recipient_set.hpp"

namespace bccshield {
namespace {

using nlohmann::json;

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

json hashes(const std::vector<std::string>& keys, const AuditSecret& secret) {
  json out = json::array();
  for (const std::string& key : keys) out.push_back(secret.hash(key));
  return out;
}

bool is_word_separator(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == ';' || c == '<' ||
         c == '>' || c == '(' || c == ')' || c == '"' || c == '\'' || c == '[' || c == ']';
}

}  // namespace

std::vector<std::string> audit_address_keys(std::string_view text) {
  std::vector<std::string> keys;
  const ParsedAddressList parsed = parse_address_list(text);
  for (const Mailbox& mailbox : parsed.mailboxes()) {
    // The engine's recipient key (local part case-folded): a DPO looking up "Anne.Martin@x"
    // finds "anne.martin@x".
    std::string key = recipient_key(mailbox);
    if (key.empty()) key = trimmed(mailbox.address());
    if (!key.empty()) keys.push_back(std::move(key));
  }
  for (const ParseProblem& problem : parsed.problems) {
    std::string raw = trimmed(problem.text);
    if (!raw.empty()) keys.push_back(std::move(raw));
  }
  return keys;
}

json pseudonymise_keys(const RecipientKeys& keys, const AuditSecret& secret) {
  json out = {{"from", keys.from.empty() ? json::array() : json::array({secret.hash(keys.from)})},
              {"to", hashes(keys.to, secret)},
              {"cc", hashes(keys.cc, secret)},
              {"bcc", hashes(keys.bcc, secret)}};
  if (!keys.original_to.empty() || !keys.original_cc.empty()) {
    out["original"] = {{"to", hashes(keys.original_to, secret)},
                       {"cc", hashes(keys.original_cc, secret)}};
  }
  return out;
}

std::string scrub_addresses(std::string_view text, const AuditSecret& secret) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (is_word_separator(text[i])) {
      out.push_back(text[i++]);
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && !is_word_separator(text[end])) ++end;
    const std::string_view word = text.substr(i, end - i);
    const auto at = word.find('@');
    if (at != std::string_view::npos && at > 0 && at + 1 < word.size()) {
      // Trailing sentence punctuation is not part of the address.
      std::string_view address = word;
      while (!address.empty() && (address.back() == '.' || address.back() == ':' ||
                                  address.back() == '!' || address.back() == '?')) {
        address.remove_suffix(1);
      }
      const auto keys = audit_address_keys(address);
      const std::string key = keys.empty() ? std::string(address) : keys.front();
      out += "[address " + secret.hash(key) + "]";
      out += word.substr(address.size());
    } else {
      out += word;
    }
    i = end;
  }
  return out;
}

}  // namespace bccshield

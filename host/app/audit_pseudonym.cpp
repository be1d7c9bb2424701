#include "audit_pseudonym.hpp"

#include <algorithm>
#include <unordered_set>

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

void append_field(const json& value, const AuditSecret& secret, json& out,
                  std::unordered_set<std::string>& seen) {
  auto add_text = [&](const std::string& text) {
    for (const std::string& key : audit_address_keys(text)) {
      std::string hashed = secret.hash(key);
      if (seen.insert(hashed).second) out.push_back(std::move(hashed));
    }
  };
  if (value.is_string()) {
    add_text(value.get<std::string>());
  } else if (value.is_array()) {
    for (const json& item : value) {
      if (item.is_string()) add_text(item.get<std::string>());
    }
  }
}

json pseudonymise_fields(const json& source, const AuditSecret& secret, bool with_bcc) {
  json out = json::object();
  for (const char* field : {"from", "to", "cc", "bcc"}) {
    if (!with_bcc && std::string_view(field) == "bcc") continue;
    json hashes = json::array();
    std::unordered_set<std::string> seen;
    if (source.is_object()) {
      if (auto found = source.find(field); found != source.end())
        append_field(*found, secret, hashes, seen);
    }
    out[field] = std::move(hashes);
  }
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
    std::string key = recipient_key(mailbox);
    if (key.empty()) key = trimmed(mailbox.address());
    // Local parts are case-insensitive at every provider people use: a DPO looking up
    // "Anne.Martin@x" must find "anne.martin@x". (ASCII only: the engine keeps UTF-8 as is.)
    const auto at = key.rfind('@');
    std::transform(
        key.begin(),
        at == std::string::npos ? key.end() : key.begin() + static_cast<std::ptrdiff_t>(at),
        key.begin(), [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; });
    if (!key.empty()) keys.push_back(std::move(key));
  }
  for (const ParseProblem& problem : parsed.problems) {
    std::string raw = trimmed(problem.text);
    if (!raw.empty()) keys.push_back(std::move(raw));
  }
  return keys;
}

json pseudonymise_draft(const json& draft, const AuditSecret& secret) {
  json out = pseudonymise_fields(draft, secret, true);
  if (draft.is_object()) {
    if (auto original = draft.find("original"); original != draft.end() && original->is_object()) {
      out["original"] = pseudonymise_fields(*original, secret, false);
    }
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

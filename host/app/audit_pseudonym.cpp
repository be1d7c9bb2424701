#include "audit_pseudonym.hpp"

#include <algorithm>

#include "bccshield/address_list.hpp"
#include "bccshield/recipient_set.hpp"

namespace bccshield {
namespace {

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// `"name":["<hash>",...]` (hex digits need no JSON escaping).
void append_hashes(std::string& out, std::string_view name,
                   const std::vector<std::string_view>& keys, const PseudonymHasher& hasher) {
  out += '"';
  out += name;
  out += "\":[";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    hasher.append_hash(out, keys[i]);
    out += '"';
  }
  out += ']';
}

// Where an address written in free text may start or end. The core's parser decides what the
// address is; this only finds the stretch of text to hand it, generously: a stretch that is not
// an address is hashed whole rather than kept.
bool is_plain_separator(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == ';' || c == '<' ||
         c == '>' || c == '(' || c == ')' || c == '"' || c == '[' || c == ']' || c == ':';
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Start of the local part that ends just before `at` (a quoted string, a comment, atoms).
std::size_t local_part_start(std::string_view text, std::size_t at) {
  std::size_t start = at;
  for (;;) {
    if (start > 0 && text[start - 1] == '"') {
      // A quoted local part: back to its opening quote (skipping \" escapes).
      std::size_t k = start - 1;
      while (k > 0) {
        --k;
        if (text[k] == '"' && (k == 0 || text[k - 1] != '\\')) break;
      }
      if (text[k] != '"' || k == start - 1) return start;
      start = k;
    } else if (start > 0 && text[start - 1] == ')') {
      // A comment inside the address: back to its balanced opening.
      std::size_t depth = 0;
      std::size_t k = start;
      while (k > 0) {
        --k;
        if (text[k] == ')') ++depth;
        if (text[k] == '(' && --depth == 0) break;
      }
      if (depth != 0) return start;
      start = k;
    } else {
      const std::size_t before = start;
      while (start > 0 && !is_plain_separator(text[start - 1])) --start;
      if (start == before) return start;
    }
  }
}

// End (exclusive) of the domain that starts just after `at` (a literal, a comment, a name).
std::size_t domain_end(std::string_view text, std::size_t at) {
  std::size_t end = at + 1;
  if (end < text.size() && text[end] == '[') {
    const auto close = text.find(']', end);
    return close == std::string_view::npos ? text.size() : close + 1;
  }
  while (end < text.size() && !is_plain_separator(text[end])) ++end;
  // Trailing sentence punctuation is not part of the domain.
  while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '!' || text[end - 1] == '?'))
    --end;
  return end;
}

// Widens [start, end) to a whole mailbox "Name <address>" when the address is in angle
// brackets: the display name goes too (it names the person), when it is quoted or encoded.
void widen_to_mailbox(std::string_view text, std::size_t& start, std::size_t& end) {
  std::size_t open = start;
  while (open > 0 && is_blank(text[open - 1])) --open;
  if (open == 0 || text[open - 1] != '<') return;
  std::size_t close = end;
  while (close < text.size() && is_blank(text[close])) ++close;
  if (close >= text.size() || text[close] != '>') return;
  std::size_t name_start = open - 1;
  for (;;) {
    std::size_t name = name_start;
    while (name > 0 && is_blank(text[name - 1])) --name;
    if (name >= 2 && text[name - 1] == '"') {
      const auto quote = text.rfind('"', name - 2);
      if (quote != std::string_view::npos) name_start = quote;  // "Martin, Anne" <anne@x.org>
      break;
    }
    // Encoded words ("=?utf-8?q?Anne_Martin?=") right before the bracket, one after another.
    std::size_t word = name;
    while (word > 0 && !is_plain_separator(text[word - 1])) --word;
    const std::string_view candidate = text.substr(word, name - word);
    if (candidate.size() <= 4 || !candidate.starts_with("=?") || !candidate.ends_with("?=")) break;
    name_start = word;
  }
  if (name_start == open - 1) return;  // no name: the brackets stay around the placeholder
  start = name_start;
  end = close + 1;
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

void append_pseudonymised_keys(std::string& out, const RecipientKeys& keys,
                               const PseudonymHasher& hasher) {
  // Written as text, members in the order nlohmann::json would sort them: ~14k recipients'
  // hashes as a JSON tree cost more to build, dump and free than to compute.
  out.reserve(out.size() + 64 +
              35 * (1 + keys.to.size() + keys.cc.size() + keys.bcc.size() +
                    keys.original_to.size() + keys.original_cc.size()));
  out += '{';
  append_hashes(out, "bcc", keys.bcc, hasher);
  out += ',';
  append_hashes(out, "cc", keys.cc, hasher);
  out += ",\"from\":[";
  if (!keys.from.empty()) {
    out += '"';
    hasher.append_hash(out, keys.from);
    out += '"';
  }
  out += ']';
  if (!keys.original_to.empty() || !keys.original_cc.empty()) {
    out += ",\"original\":{";
    append_hashes(out, "cc", keys.original_cc, hasher);
    out += ',';
    append_hashes(out, "to", keys.original_to, hasher);
    out += '}';
  }
  out += ',';
  append_hashes(out, "to", keys.to, hasher);
  out += '}';
}

std::string scrub_addresses(std::string_view text, const AuditSecret& secret) {
  // Every '@' marks a possible address; the stretch around it goes to the core's parser, which
  // reads it as Thunderbird would (quoted local parts, comments, domain literals, encoded
  // names) and gives the recipient key to hash. What it cannot read is hashed as written:
  // nothing around an '@' is ever kept in clear.
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;
  for (std::size_t at = text.find('@'); at != std::string_view::npos;
       at = text.find('@', std::max(at + 1, copied))) {
    std::size_t start = std::max(local_part_start(text, at), copied);
    std::size_t end = domain_end(text, at);
    if (start == at || end == at + 1) continue;  // "@ home", "user@": no address around it
    widen_to_mailbox(text, start, end);
    start = std::max(start, copied);
    const std::string_view stretch = text.substr(start, end - start);
    const auto keys = audit_address_keys(stretch);
    const std::string key = keys.empty() ? trimmed(stretch) : keys.front();
    out.append(text.substr(copied, start - copied));
    out += "[address " + secret.hash(key) + "]";
    copied = end;
  }
  out.append(text.substr(copied));
  return out;
}

}  // namespace bccshield

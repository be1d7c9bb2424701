#include "bccshield/address_list.hpp"

#include <memory>
#include <utility>

#include "address_parser.hpp"
#include "parse_problems.hpp"

// The reading follows Thunderbird's jsmime parseAddressingHeader (the reference: what
// Thunderbird sends to is what we must classify), re-implemented as one streaming pass:
//   address_tokenizer   atoms, quoted strings, domain literals, comments, encoded-words
//   address_parser      jsmime's state machine over those tokens, problems (parse_problems)
//   everyday_entry      the common entry shapes read straight off the input
//   jsmime_cleaning     what jsmime does to display and local text
//   address_validity    what makes an address deliverable
//   mailbox_format      quoting and format_mailbox
// This file: the public entry points. parse_address_list is visit_address_list with a
// visitor that builds the entries, so both outputs come from the same branches.

namespace bccshield {
namespace {

// Builds what parse_address_list returns from the streaming callbacks.
class EntryBuilder final : public AddressVisitor {
 public:
  void mailbox(const MailboxView& view) override {
    Mailbox mailbox{std::string(view.name), std::string(view.local_part), std::string(view.domain)};
    if (in_group_) {
      group_.members.push_back(std::move(mailbox));
    } else {
      list_.entries.emplace_back(std::move(mailbox));
    }
  }

  void group_start(std::string_view name) override {
    release_members();
    group_.name.assign(name);
    in_group_ = !name.empty();
  }

  void group_end() override {
    list_.entries.emplace_back(std::move(group_));
    group_ = Group{};
    in_group_ = false;
  }

  ParsedAddressList finish(std::vector<ParseProblem> problems) {
    release_members();
    list_.problems = std::move(problems);
    return std::move(list_);
  }

 private:
  // A group that never ends (parsing stopped, or another ':' came first) is no Group entry:
  // its members stay, as top-level mailboxes.
  void release_members() {
    for (Mailbox& member : group_.members) list_.entries.emplace_back(std::move(member));
    group_.members.clear();
  }

  ParsedAddressList list_;
  Group group_;
  bool in_group_ = false;
};

}  // namespace

std::string Mailbox::address() const {
  if (domain.empty()) return local_part;
  std::string out;
  out.reserve(local_part.size() + 1 + domain.size());
  out += local_part;
  out += '@';
  out += domain;
  return out;
}

std::vector<Mailbox> ParsedAddressList::mailboxes() const {
  std::vector<Mailbox> out;
  out.reserve(entries.size());
  for (const AddressEntry& entry : entries) {
    if (const auto* mailbox = std::get_if<Mailbox>(&entry)) {
      out.push_back(*mailbox);
    } else {
      const auto& group = std::get<Group>(entry);
      out.insert(out.end(), group.members.begin(), group.members.end());
    }
  }
  return out;
}

namespace {

std::vector<ParseProblem> visit_with(std::string_view text, AddressVisitor& visitor,
                                     const ParseLimits& limits, detail::ParserBuffers& buffers) {
  if (text.size() > limits.max_input_bytes) {
    ParseProblem p;
    p.text = detail::bounded_problem_text(text);
    p.reason = "input-too-large";
    std::vector<ParseProblem> refused;
    refused.push_back(std::move(p));
    return refused;
  }
  // A string that is one everyday entry (nearly every pill Thunderbird hands over) is read
  // straight off the input, without setting up the state machine: what run() does with it
  // (the fast path reads it, counts it, and the general path then finds nothing left).
  if (limits.everyday_fast_path && limits.max_entries > 0) {
    detail::EverydayEntry entry;
    if (buffers.everyday.read(text, 0, entry) && entry.end == text.size()) {
      MailboxView view = entry.view();
      view.whole_text = true;
      visitor.mailbox(view);
      return {};
    }
  }
  return detail::AddressListParser(text, limits, visitor, buffers).run();
}

}  // namespace

std::vector<ParseProblem> visit_address_list(std::string_view text, AddressVisitor& visitor,
                                             const ParseLimits& limits) {
  detail::ParserBuffers buffers;
  return visit_with(text, visitor, limits, buffers);
}

AddressListReader::AddressListReader() : buffers_(std::make_unique<detail::ParserBuffers>()) {}
AddressListReader::AddressListReader(AddressListReader&&) noexcept = default;
AddressListReader& AddressListReader::operator=(AddressListReader&&) noexcept = default;
AddressListReader::~AddressListReader() = default;

std::vector<ParseProblem> AddressListReader::visit(std::string_view text, AddressVisitor& visitor,
                                                   const ParseLimits& limits) {
  return visit_with(text, visitor, limits, *buffers_);
}

ParsedAddressList parse_address_list(std::string_view text, const ParseLimits& limits) {
  EntryBuilder builder;
  std::vector<ParseProblem> problems = visit_address_list(text, builder, limits);
  return builder.finish(std::move(problems));
}

}  // namespace bccshield

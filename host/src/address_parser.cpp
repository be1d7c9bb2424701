#include "address_parser.hpp"

#include <utility>

#include "address_validity.hpp"
#include "bccshield/rfc2047.hpp"
#include "bccshield/utf8.hpp"
#include "character_tables.hpp"
#include "mailbox_format.hpp"

namespace bccshield::detail {
namespace {

constexpr const char* kMissingGroupName = "missing-group-name";

void unescape_into(std::string_view raw, std::string& out) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\') {
      ++i;
      if (i == raw.size()) break;  // a trailing backslash is dropped
    }
    out.push_back(raw[i]);
  }
}

}  // namespace

ParserBuffers::ParserBuffers() {
  display.reserve(64);
  local.reserve(64);
  address.reserve(64);
}

AddressListParser::AddressListParser(std::string_view text, const ParseLimits& limits,
                                     AddressVisitor& visitor, ParserBuffers& buffers)
    : s_(text),
      limits_(limits),
      tok_(text, limits.max_comment_depth),
      visitor_(visitor),
      cleaner_(buffers.cleaner),
      everyday_(buffers.everyday),
      problems_(text, limits.max_entries),
      group_name_(buffers.group_name),
      display_(buffers.display),
      local_(buffers.local),
      address_(buffers.address),
      comment_(buffers.comment),
      last_comment_(buffers.last_comment),
      name_(buffers.name),
      disp_(buffers.disp),
      addr_(buffers.addr),
      scratch_(buffers.scratch),
      scratch2_(buffers.scratch2),
      quoted_(buffers.quoted) {
  // A fresh parser starts from empty text, as a freshly built one did.
  for (std::string* text_buffer :
       {&group_name_, &display_, &local_, &address_, &comment_, &last_comment_, &name_, &disp_,
        &addr_, &scratch_, &scratch2_, &quoted_}) {
    text_buffer->clear();
  }
}

std::vector<ParseProblem> AddressListParser::run() {
  Token t;
  std::size_t overflows = 0;
  // The first entry too: Thunderbird hands over one pill per recipient, each a whole input.
  if (limits_.everyday_fast_path) {
    everyday_entries();
  }
  while (!problems_.stopped() && tok_.next(t)) {
    if (tok_.depth_overflows() != overflows) {
      overflows = tok_.depth_overflows();
      too_deep_ = true;
    }
    handle(t);
    if (limits_.everyday_fast_path && t.type == TokType::kDelim &&
        (t.delim == ',' || t.delim == ':' || t.delim == ';')) {
      everyday_entries();
    }
  }
  if (!problems_.stopped()) {
    finish_entry(s_.size());
    if (!group_name_.empty()) visitor_.group_end();
  }
  return problems_.take();
}

void AddressListParser::handle(const Token& t) {
  if (t.type != TokType::kDelim) {
    on_text(t);
    return;
  }
  switch (t.delim) {
    case ':':
      on_colon(t);
      break;
    case '<':
      on_open_angle();
      break;
    case '>':
      if (after_address_) {
        on_text(t);
        return;
      }
      in_angle_ = false;
      last_comment_.clear();
      after_address_ = true;
      angle_closed_ = true;
      in_route_ = false;
      break;
    case '(':
      in_comment_ = true;
      preserve_space_ = needs_space_;
      if (!needs_space_) needs_space_ = !display_.empty() && display_.back() != ' ';
      comment_.assign(needs_space_ ? " (" : "(");
      comment_closed_ = false;
      break;
    case ')':
      on_close_comment(t);
      return;  // keeps the spacing it decided
    case '@':
      if (after_address_) {
        text_after_address_ = true;
        return;
      }
      on_at();
      break;
    case ',':
      if (in_route_ && in_angle_ && next_is_at(t.end)) break;
      extend_separator_run(t);
      finish_entry(t.begin);
      after_address_ = false;
      entry_start_ = t.end;
      break;
    case ';':
      extend_separator_run(t);
      finish_entry(t.begin);
      end_group();
      entry_start_ = t.end;
      break;
    default:
      break;
  }
  needs_space_ = false;
}

void AddressListParser::on_close_comment(const Token& t) {
  in_comment_ = false;
  // jsmime re-appends its previous comment on a stray ')'; starting afresh keeps the pass
  // linear on "))))...".
  if (t.stray) comment_.clear();
  comment_.push_back(')');
  last_comment_ = comment_;
  if (in_angle_) {
    // jsmime restores a stale flag after a stray ')', gluing "a@b.org )x" into "b.orgx": a
    // stray ')' separates like any comment.
    needs_space_ = t.stray || preserve_space_;
  } else {
    display_ += comment_;
    needs_space_ = true;
  }
  comment_closed_ = true;
}

void AddressListParser::on_at() {
  if (!in_angle_) {
    address_ = local_;
    address_bad_ = local_bad_;
    open_quote_ = local_open_quote_;
    display_.clear();
    local_.clear();
    in_angle_ = true;
  } else if (address_.empty() && angle_fresh_) {
    in_route_ = true;  // obs-route: <@a,@b:user@domain>
  }
  angle_fresh_ = false;
  address_.push_back('@');
  ++at_count_;
}

// Empty entries right after a missing-group-name problem join it (":;:;:;" is one).
void AddressListParser::extend_separator_run(const Token& t) {
  if (display_.empty() && address_.empty() && local_.empty() && !angle_closed_ &&
      problems_.last_is(kMissingGroupName, entry_start_)) {
    problems_.set_last_end(t.end);
  }
}

bool AddressListParser::next_is_at(std::size_t from) const {
  // obs-domain-list allows empty elements: "<@a,,@b:user@c>".
  while (from < s_.size() && (is_wsp(s_[from]) || s_[from] == ',')) ++from;
  return from < s_.size() && s_[from] == '@';
}

void AddressListParser::on_colon(const Token& t) {
  if (in_route_ && in_angle_) {
    // End of an obs-route: what follows is the real addr-spec.
    address_.clear();
    address_bad_ = false;
    at_count_ = 0;
    in_route_ = false;
    needs_space_ = false;
    return;
  }
  if (!address_.empty()) {
    // jsmime (like Thunderbird) discards an address written where a group name goes.
    problems_.add(entry_start_, t.begin, "address-as-group-name");
  }
  scratch_.clear();
  clean(display_, scratch_);
  normalize_spaces(scratch_, group_name_);
  if (group_name_.empty() && address_.empty()) {
    // A group needs a name; a run of such colons ("::::") is one problem.
    if (!problems_.last_is(kMissingGroupName, entry_start_)) {
      problems_.add(entry_start_, t.end, kMissingGroupName);
    }
    problems_.set_last_end(t.end);
  }
  open_group(t.end);
}

// The group named group_name_ starts; its first entry at `end`.
void AddressListParser::open_group(std::size_t end) {
  reset_entry();
  visitor_.group_start(group_name_);
  entry_start_ = end;
  needs_space_ = false;
}

void AddressListParser::on_open_angle() {
  if (after_address_ && !in_angle_) {
    // Several <...>: the last one is the address, the earlier ones become name text.
    display_ += " <";
    display_ += address_;
    display_ += '>';
    local_.clear();
    address_.clear();
    at_count_ = 0;
    after_address_ = false;
  }
  if (in_angle_) {
    if (!address_.empty()) {
      display_ = address_;
    }
    local_.clear();
    address_.clear();
    at_count_ = 0;
    address_bad_ = false;
  } else {
    in_angle_ = true;
  }
  angle_fresh_ = true;
  in_route_ = false;
}

void AddressListParser::on_text(const Token& t) {
  // Display form: encoded-words decoded; address form: exactly as written. Views point
  // into the input when nothing needs rewriting (the common case: no copy).
  std::string_view disp;
  std::string_view addr;
  bool addr_changed = false;
  const bool plain = t.type != TokType::kDelim && t.type != TokType::kEncoded &&
                     t.raw.find('\\') == std::string_view::npos && is_clean_text(t.raw) &&
                     (t.type != TokType::kQuoted ||
                      (t.raw.find("=?") == std::string_view::npos && !is_wsp_only(t.raw)));
  if (plain) {
    disp = addr = t.raw;
  } else {
    disp_.clear();
    addr_.clear();
    switch (t.type) {
      case TokType::kDelim:
        disp_.push_back(t.delim);
        addr_.push_back(t.delim);
        break;
      case TokType::kAtom:
      case TokType::kLiteral:
      case TokType::kQuotedOpen:
        scratch_.clear();
        unescape_into(t.raw, scratch_);
        addr_changed = clean(scratch_, addr_);
        disp_ = addr_;
        break;
      case TokType::kQuoted:
        // jsmime decodes encoded-words even inside quoted strings (display only).
        scratch_.clear();
        decode_rfc2047_into(t.raw, scratch_);
        scratch2_.clear();
        clean(scratch_, scratch2_);
        scratch_.clear();
        unescape_into(scratch2_, scratch_);
        clean(scratch_, disp_);
        scratch_.clear();
        unescape_into(t.raw, scratch_);
        addr_changed = clean(scratch_, addr_);
        break;
      case TokType::kEncoded:
        scratch_.clear();
        decode_rfc2047_into(t.raw, scratch_);
        scratch2_.clear();
        clean(scratch_, scratch2_);
        clean(scratch2_, disp_);
        addr_changed = clean(t.raw, addr_);
        break;
    }
    disp = disp_;
    addr = addr_;
  }
  angle_fresh_ = false;
  if (!in_comment_) has_text_ = true;
  const bool spaced = needs_space_ && !disp.empty() && disp.front() != '.';
  if (in_comment_) {
    if (spaced) comment_.push_back(' ');
    comment_ += disp;
  } else if (in_angle_) {
    // obs-local-part / obs-domain: CFWS around a dot is not part of the address.
    if (spaced && !address_.empty() && address_.back() != '.') address_.push_back(' ');
    address_ += addr;
    address_bad_ = address_bad_ || addr_changed;
    open_quote_ = open_quote_ || t.type == TokType::kQuotedOpen;
  } else {
    if (!after_address_) {
      if (spaced) display_.push_back(' ');
      display_ += disp;
    } else if (!disp.empty()) {
      text_after_address_ = true;
    }
    if (spaced && !comment_closed_ && !local_.empty() && local_.back() != '.') {
      local_.push_back(' ');
    }
    local_ += addr;
    local_bad_ = local_bad_ || addr_changed;
    local_open_quote_ = local_open_quote_ || t.type == TokType::kQuotedOpen;
    comment_closed_ = false;
  }
  needs_space_ = !disp.empty() && disp.front() != '.';
}

void AddressListParser::reset_entry() {
  display_.clear();
  local_.clear();
  address_.clear();
  last_comment_.clear();
  in_angle_ = in_comment_ = needs_space_ = after_address_ = false;
  at_count_ = 0;
  address_bad_ = local_bad_ = false;
  open_quote_ = local_open_quote_ = false;
  angle_fresh_ = in_route_ = angle_closed_ = false;
  text_after_address_ = too_deep_ = has_text_ = false;
}

// jsmime addToAddrList, with the entry either becoming a Mailbox or a ParseProblem.
void AddressListParser::finish_entry(std::size_t end) {
  normalize_spaces(display_, name_);
  if (name_.empty() && !last_comment_.empty()) {
    const std::size_t offset = last_comment_[0] == ' ' ? 2 : 1;
    if (last_comment_.size() > offset) {
      name_.assign(last_comment_, offset, last_comment_.size() - offset - 1);
    }
  }
  const bool has_content = !name_.empty() || !address_.empty();
  const char* reason = nullptr;
  std::size_t at = std::string_view::npos;
  if (too_deep_) {
    reason = "comment-too-deep";
  } else if (!has_content) {
    if (angle_closed_) reason = "no-address";  // "<>"
  } else if (address_.empty() && !has_text_ && !angle_closed_) {
    // Only comments (CFWS): an empty list element, e.g. "(Recipient list suppressed)".
    reset_entry();
    return;
  } else if (address_.empty()) {
    reason = "no-address";
  } else {
    reason = address_problem({address_, at_count_, open_quote_, address_bad_}, at);
  }
  if (reason != nullptr) {
    problems_.add(entry_start_, end, reason);
  } else if (has_content) {
    if (!problems_.count_entry(entry_start_)) return;
    emit_mailbox(at, end);
  }
  reset_entry();
}

// The mailbox name_ / address_ (split at `at`) to the visitor.
void AddressListParser::emit_mailbox(std::size_t at, std::size_t end) {
  const std::string_view lp = std::string_view(address_).substr(0, at);
  MailboxView view;
  view.name = name_;
  if (local_part_needs_quotes(lp)) {
    quoted_.clear();
    append_quoted(lp, quoted_);
    view.local_part = quoted_;
  } else {
    view.local_part = lp;
  }
  view.domain = std::string_view(address_).substr(at + 1);
  visitor_.mailbox(view);
  if (text_after_address_) problems_.add(entry_start_, end, "text-after-address");
}

// Right after a ',', ':' or ';', when nothing of the next entry has been read yet: reads the
// entries that follow straight off the input for as long as they have an everyday shape.
void AddressListParser::everyday_entries() {
  if (!tok_.at_rest() || tok_.position() != entry_start_ || in_angle_ || after_address_ ||
      !display_.empty() || !address_.empty() || !local_.empty()) {
    return;
  }
  EverydayEntry entry;
  bool reset = false;  // the state machine's entry state, reset once (then it stays so)
  // At the end of the input (after a group's ';') neither an entry nor a separator can be
  // read: stop without trying both.
  while (!problems_.stopped() && entry_start_ < s_.size()) {
    if (!everyday_.read(s_, entry_start_, entry)) {
      if (everyday_separator()) continue;
      break;
    }
    if (!problems_.count_entry(entry_start_)) {
      // Past max_entries, as the general path at this separator: a ';' still ends the group
      // (regressions/fast_path/group-ends-at-entry-limit).
      // At the end of the input the general path ends the group too (after finish_entry).
      if (entry.end == s_.size() || s_[entry.end] == ';') end_group();
      break;
    }
    visitor_.mailbox(entry.view());
    // The entry ends at its ',' or ';' (or the input): exactly what finish_entry (and
    // end_group) would do.
    if (!reset) {
      reset_entry();
      reset = true;
    }
    if (entry.end == s_.size()) {
      entry_start_ = entry.end;
      break;  // nothing follows
    }
    if (s_[entry.end] == ';') end_group();
    entry_start_ = entry.end + 1;
  }
  tok_.skip_to(entry_start_);
}

// Where everyday_entries found no mailbox: an empty entry before a ',' (as the state machine
// finishes it: nothing, unless it joins a missing-group-name run) or a group's plain name
// before its ':' (as on_colon opens it), read straight off the input.
bool AddressListParser::everyday_separator() {
  std::size_t p = entry_start_;
  while (p < s_.size() && is_wsp(s_[p])) ++p;
  if (p < s_.size() && s_[p] == ',') {
    if (problems_.last_is(kMissingGroupName, entry_start_)) return false;
    entry_start_ = p + 1;
    return true;
  }
  std::string_view name;
  std::size_t colon = 0;
  if (!EverydayEntryReader::read_group_name(s_, entry_start_, name, colon)) return false;
  group_name_.assign(name);  // clean words with single spaces: cleaning changes nothing
  open_group(colon + 1);
  return true;
}

// At a ';': the group ends (a ';' outside a group ends nothing).
void AddressListParser::end_group() {
  if (!group_name_.empty()) visitor_.group_end();
  group_name_.clear();
}

}  // namespace bccshield::detail

#pragma once
// The parser's state machine: jsmime's parseAddressingHeader over the tokenizer's tokens,
// plus problem reporting, in one streaming pass. Departures from jsmime are listed in
// tests/conformance/known_deviations.json; the main ones: encoded-words are never decoded
// inside an address, and an entry that is not a usable mailbox becomes a ParseProblem.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "address_tokenizer.hpp"
#include "bccshield/address_list.hpp"
#include "everyday_entry.hpp"
#include "jsmime_cleaning.hpp"
#include "parse_problems.hpp"

namespace bccshield::detail {

// The parser's working buffers, kept apart from the parser so that one set serves many
// strings (AddressListReader): a pill per recipient would otherwise build and free some
// fifteen strings each. Only scratch space and caches: no result depends on what they held.
struct ParserBuffers {
  ParserBuffers();
  TextCleaner cleaner;
  EverydayEntryReader everyday;
  std::string group_name, display, local, address, comment, last_comment, name;
  std::string disp, addr, scratch, scratch2, quoted;
};

class AddressListParser {
 public:
  // Parses `text` with `buffers` (emptied first); both must outlive the parser.
  AddressListParser(std::string_view text, const ParseLimits& limits, AddressVisitor& visitor,
                    ParserBuffers& buffers);

  // Feeds every mailbox and group to the visitor; returns the problems.
  std::vector<ParseProblem> run();

 private:
  void handle(const Token& t);
  void on_colon(const Token& t);
  void on_open_angle();
  void on_close_comment(const Token& t);
  void on_at();
  void on_text(const Token& t);
  [[nodiscard]] bool next_is_at(std::size_t from) const;
  void extend_separator_run(const Token& t);
  bool clean(std::string_view in, std::string& out) { return cleaner_.clean(in, out); }
  void reset_entry();
  void finish_entry(std::size_t end);
  void emit_mailbox(std::size_t at, std::size_t end);
  void everyday_entries();
  bool everyday_separator();
  void open_group(std::size_t end);
  void end_group();

  std::string_view s_;
  const ParseLimits& limits_;
  Tokenizer tok_;
  AddressVisitor& visitor_;
  TextCleaner& cleaner_;
  EverydayEntryReader& everyday_;
  ProblemLog problems_;
  std::string& group_name_;
  std::string &display_, &local_, &address_, &comment_, &last_comment_, &name_;
  std::string &disp_, &addr_, &scratch_, &scratch2_, &quoted_;
  std::size_t entry_start_ = 0;
  std::size_t at_count_ = 0;
  bool in_angle_ = false, in_comment_ = false, needs_space_ = false, after_address_ = false;
  bool preserve_space_ = false, comment_closed_ = false;
  bool address_bad_ = false, local_bad_ = false;
  bool open_quote_ = false, local_open_quote_ = false;
  bool angle_fresh_ = false, in_route_ = false, angle_closed_ = false;
  bool text_after_address_ = false, too_deep_ = false, has_text_ = false;
};

}  // namespace bccshield::detail

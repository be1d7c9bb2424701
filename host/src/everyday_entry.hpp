#pragma once
// The everyday-entry fast path: the common entry shapes read straight off the input, giving
// exactly the mailbox the token-by-token state machine gives (tests/unit/fast_path_test.cpp
// proves it on the vectors, the fuzz corpus and generated inputs).

#include <cstddef>
#include <string>
#include <string_view>

#include "bccshield/address_list.hpp"
#include "jsmime_cleaning.hpp"

namespace bccshield::detail {

// Views into the input, or into the reader's buffers (valid until its next read).
struct EverydayEntry {
  std::string_view name;        // display name, as the state machine would build it
  std::string_view local_part;  // never needs quotes
  std::string_view domain;
  std::string_view formatted;  // when not empty: format_mailbox of this mailbox, as written
  std::string_view address;    // local_part@domain, one view into the input
  bool plain_name = false;     // `name` is known to be a plain phrase (MailboxView::plain_name)
  std::size_t end = 0;         // the ',' or ';' that ends the entry

  // What the visitor is given for it (whole_text left to the caller).
  [[nodiscard]] MailboxView view() const {
    MailboxView mailbox;
    mailbox.name = name;
    mailbox.local_part = local_part;
    mailbox.domain = domain;
    mailbox.formatted = formatted;
    mailbox.address = address;
    mailbox.plain_name = plain_name;
    return mailbox;
  }
};

class EverydayEntryReader {
 public:
  // Reads the entry starting at `pos` (right after a ',', ':' or ';', or at the start) when it
  // has one of the shapes
  //   Plain Name <local@domain>,   "Quoted, Name" <local@domain>,   local@domain,
  //   =?charset?Q?encoded?= <local@domain>,
  // optionally followed by a (plain comment), with nothing to clean, unquote or report, ended
  // by ',' or ';'. Anything else (or the last entry) returns false: the general path reads it.
  // Every scan stops at the next top-level ',' so the pass stays linear.
  bool read(std::string_view s, std::size_t pos, EverydayEntry& out);
  // Reads a group's opening "Plain Name:" at `pos` (same place): `name` as the state machine
  // would build it from those words, `colon` the position of the ':'. False for anything else.
  static bool read_group_name(std::string_view s, std::size_t pos, std::string_view& name,
                              std::size_t& colon);

 private:
  // Words of name characters (UTF-8 included) separated by single spaces, from `p` (moved
  // past them); empty when there are none or they are not clean text.
  static std::string_view words(std::string_view s, std::size_t& p);
  static bool decode_utf8_q_word(std::string_view word, std::string& out);
  // The everyday encoded name in one pass (no separate length, decoding and checking passes).
  bool read_utf8_q_name(std::string_view s, std::size_t pos, std::size_t& length, bool& plain);
  // valid_domain and clean text, for a domain holding UTF-8.
  bool valid_utf8_domain(std::string_view domain);

  TextCleaner cleaner_;
  std::string decoded_, scratch_, scratch2_, name_, last_utf8_domain_;
};

}  // namespace bccshield::detail

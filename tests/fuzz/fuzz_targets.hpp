#pragma once
// Fuzz entry points, shared by the libFuzzer binaries (clang) and the plain regression replay
// (any compiler). Each entry takes arbitrary bytes, must never crash, hang or leak, and aborts
// through fuzz_fail() when an invariant of the host is broken.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace bccshield::fuzz {

using EntryFunction = int (*)(const std::uint8_t* data, std::size_t size);

struct Target {
  std::string_view name;
  EntryFunction run;
};

// Address-list parser: parse_address_list with default and tiny limits, re-parse of the
// rewrite form (format_mailbox) must give back the same address.
int address_list_entry(const std::uint8_t* data, std::size_t size);
// The everyday-entry fast path against the general path (ParseLimits::everyday_fast_path
// off): the same entries, members, problems and visitor calls, with default and tiny limits.
int fast_path_entry(const std::uint8_t* data, std::size_t size);
// .eml header reader, then the whole decision (evaluate) on the draft it yields.
int eml_entry(const std::uint8_t* data, std::size_t size);
// Policy loader: policy_from_text, then a save/load round trip and one evaluation.
int policy_entry(const std::uint8_t* data, std::size_t size);
// Framing and protocol: first byte even = one message body for handle_message, odd = a
// native-messaging byte stream for read_frame + handle_message, as cmd_serve reads stdin.
int protocol_entry(const std::uint8_t* data, std::size_t size);
int check_request_entry(const std::uint8_t* data, std::size_t size);
// JsonWriter against nlohmann's dump() on the input's bytes as strings (json_writer.hpp).
int json_writer_entry(const std::uint8_t* data, std::size_t size);

std::span<const Target> all_targets();

// Names the input being run, for the messages below (the replay sets it; libFuzzer saves the
// input itself).
void set_current_input(const char* description);
// Prints what broke and aborts (a crash for libFuzzer, a failure for the replay).
[[noreturn]] void fuzz_fail(const char* target, const char* invariant);

}  // namespace bccshield::fuzz

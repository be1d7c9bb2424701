#pragma once
// JSON written straight into a string, byte for byte as nlohmann::json::dump() writes the same
// document (error_handler_t::replace, ensure_ascii false): the replies and the readable verdict
// keep their exact bytes while no DOM is built for them (issue 13: the DOM and its dump were
// 27M instructions of a 10,000-recipient check). nlohmann's objects are std::maps, so the caller
// writes every object's keys in byte order; tests/unit/json_writer_test.cpp parses and dumps
// each output again to prove order, escaping and layout.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace bccshield {

class JsonWriter {
 public:
  // indent < 0: one line, no spaces (dump(-1)); otherwise dump(indent)'s layout.
  explicit JsonWriter(std::string& out, int indent = -1) : out_(out), indent_(indent) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  // Keys of one object must come in ascending byte order (see above).
  void key(std::string_view name);

  void string(std::string_view text);
  void boolean(bool value) {
    element();
    out_ += value ? "true" : "false";
  }
  void null() {
    element();
    out_ += "null";
  }
  template <std::integral Number>
  requires(!std::same_as<Number, bool>) void number(Number value) {
    if constexpr (std::is_signed_v<Number>) {
      signed_number(value);
    } else {
      unsigned_number(value);
    }
  }
  // Elements already written as one-line JSON, `count` of them joined by ',' (a run of indexes
  // formatted at once); only for one-line output (see one_line()), inside an array.
  void joined_elements(std::string_view text, std::size_t count);
  [[nodiscard]] bool one_line() const { return indent_ < 0; }
  // Any DOM value (error parameters, a policy field): nlohmann's own dump, indented to fit.
  void value(const nlohmann::json& value);

  // Shorthands for "key": value.
  void member(std::string_view name, std::string_view text) {
    key(name);
    string(text);
  }
  template <std::integral Number>
  requires(!std::same_as<Number, bool>) void member(std::string_view name, Number value) {
    key(name);
    number(value);
  }
  // "key": "text", or "key": null when there is none.
  void optional_member(std::string_view name, const std::optional<std::string>& text) {
    key(name);
    if (text) {
      string(*text);
    } else {
      null();
    }
  }

 private:
  void open(char bracket);
  void close(char bracket);
  // Out of line: inlined into its callers, MinGW's GCC 12 at -O3 reports a false -Wrestrict in
  // std::string::append (as tests/CMakeLists.txt notes for the tests).
  void signed_number(long long value);
  void unsigned_number(unsigned long long value);
  void quoted(std::string_view text);
  void element();  // before a value: the separator and, in an array, the indentation
  // element() for a value about to be appended at once: one-line output's ',' goes to `at`
  // (returns past it), any other layout is written by element(); returns where the value goes.
  char* separator(char* at);
  void new_line(std::size_t depth);

  std::string& out_;
  int indent_;
  std::vector<std::uint32_t> counts_;  // members or elements written, per open container
  bool after_key_ = false;
};

}  // namespace bccshield

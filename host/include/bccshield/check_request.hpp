#pragma once
// The check request as Thunderbird sends it, read in one pass (RapidJSON's SAX reader) straight
// into a Draft: no DOM, no copy of the 4 MiB a request may hold (issue 13: nlohmann's DOM parse
// was 39M instructions of a 10,000-recipient check).
//
// Only the everyday request is read here. Anything else — not JSON, another type, another
// protocol version, a field of the wrong type, a number that is not an integer where the reply
// echoes it, a key given twice where it matters — gives nullopt, and handle_message() reads the
// body with nlohmann's DOM as before: every error reply and every unusual request keeps its
// bytes. tests/unit/check_request_test.cpp and the check_request fuzz target prove that
// whatever this reader accepts, the DOM reads as the same Draft.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "bccshield/draft.hpp"

namespace bccshield {

// The request's id as the reply echoes it: none (absent, null, a boolean, an array, an
// object), a string, or an integer.
using RequestId = std::variant<std::monostate, std::string, std::int64_t, std::uint64_t>;

struct CheckRequest {
  Draft draft;
  RequestId id;
  std::string client;  // "" when absent or not a string
};

// What RapidJSON's SSE2 scans may read past the end of a body: they load aligned 16-byte
// blocks, up to 15 bytes past the terminating NUL.
inline constexpr std::size_t request_padding = 16;

// A body followed by request_padding NUL bytes in the same buffer (framing.hpp's
// FrameResult::buffer): read where it lies, without a copy.
class PaddedBody {
 public:
  // `buffer`: the body, then the padding. One that does not end in request_padding NULs is
  // taken whole as an unpadded body (and read from a padded copy).
  explicit PaddedBody(std::string_view buffer);
  // A body without padding (read from a padded copy).
  static PaddedBody unpadded(std::string_view body) {
    PaddedBody result({});
    result.body_ = body;
    return result;
  }
  std::string_view body() const { return body_; }
  bool padded() const { return padded_; }

 private:
  std::string_view body_;
  bool padded_ = false;
};

std::optional<CheckRequest> read_check_request(std::string_view body);
// The same, without copying the body (nor changing it: a body this reader leaves to the DOM is
// read there as it came).
std::optional<CheckRequest> read_check_request(const PaddedBody& body);

}  // namespace bccshield

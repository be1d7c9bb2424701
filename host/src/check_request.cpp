#include "bccshield/check_request.hpp"

#include <array>
#include <cmath>
#include <cstring>
#include <vector>

#include "bccshield/identity.hpp"
#include "bccshield/utf8.hpp"  // utf8_unchanged_by_repair

// The SSE2 scans of strings and whitespace (every x86-64 has SSE2; WebAssembly reads bytewise).
#if defined(__SSE2__) && !defined(RAPIDJSON_SSE2)
#define RAPIDJSON_SSE2
#endif
#include <rapidjson/reader.h>

namespace bccshield {
namespace {

// Where the next value goes. Keys the DOM path does not read are skipped whole.
enum class Slot : std::uint8_t {
  Skip,
  // the request
  Type,
  Version,
  Id,
  Client,
  Draft,
  // the draft
  From,
  To,
  Cc,
  Bcc,
  DraftType,
  Original,
  // draft.original
  OriginalFrom,
  OriginalTo,
  OriginalCc,
};

enum class Where : std::uint8_t { Start, Request, Draft, Original, List, Done };

struct KeySlot {
  std::string_view key;
  Slot slot;
};
constexpr std::array kRequestKeys = {
    KeySlot{"type", Slot::Type}, KeySlot{"protocolVersion", Slot::Version}, KeySlot{"id", Slot::Id},
    KeySlot{"client", Slot::Client}, KeySlot{"draft", Slot::Draft}};
constexpr std::array kDraftKeys = {
    KeySlot{"from", Slot::From},      KeySlot{"to", Slot::To},
    KeySlot{"cc", Slot::Cc},          KeySlot{"bcc", Slot::Bcc},
    KeySlot{"type", Slot::DraftType}, KeySlot{"original", Slot::Original}};
constexpr std::array kOriginalKeys = {KeySlot{"from", Slot::OriginalFrom},
                                      KeySlot{"to", Slot::OriginalTo},
                                      KeySlot{"cc", Slot::OriginalCc}};

// RapidJSON writes a \u escape of a lone low surrogate (\uDC00) as its 3 bytes; nlohmann refuses
// it. The body was valid UTF-8, so a raw ED A0..BF can only come from such an escape.
bool holds_surrogate(const char* text, std::size_t length) {
  const char* end = text + length;
  for (const char* p = text; p < end;) {
    const void* found = std::memchr(p, 0xED, static_cast<std::size_t>(end - p));
    if (found == nullptr) return false;
    p = static_cast<const char*>(found) + 1;
    if (p < end && static_cast<unsigned char>(*p) >= 0xA0) return true;
  }
  return false;
}

// A byte below 0x20 but tab, line feed and carriage return. Eight bytes at a time.
bool holds_control(std::string_view text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  const auto control = [](unsigned char byte) {
    return byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r';
  };
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, sizeof word);
    if (((word - kOnes * 0x20U) & ~word & kHighs) == 0) continue;
    for (std::size_t k = i; k < i + 8; ++k)
      if (control(static_cast<unsigned char>(text[k]))) return true;
  }
  for (; i < text.size(); ++i)
    if (control(static_cast<unsigned char>(text[i]))) return true;
  return false;
}

// utf8_unchanged_by_repair(text), with ASCII skipped eight bytes at a time (it walks bytewise
// after the first non-ASCII one: 2.3M instructions for a 450 KB body holding 6,500 such bytes).
// Each run of non-ASCII bytes is checked alone: an ASCII byte never continues a sequence, so a
// sequence cut at a run's end is invalid either way, and the verdict is the whole text's.
bool unchanged_by_repair(std::string_view text) {
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  std::size_t i = 0;
  while (i < text.size()) {
    if (i + 8 <= text.size()) {
      std::uint64_t word = 0;
      std::memcpy(&word, text.data() + i, sizeof word);
      if ((word & kHighs) == 0) {
        i += 8;
        continue;
      }
    }
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    while (end < text.size() && static_cast<unsigned char>(text[end]) >= 0x80) ++end;
    if (!utf8_unchanged_by_repair(text.substr(i, end - i))) return false;
    i = end;
  }
  return true;
}

// Whether the body escapes a low surrogate (\uDC00..\uDFFF) anywhere: only then can a string
// hold one alone, and only then are strings looked at for it.
bool escapes_low_surrogate(std::string_view body) {
  for (std::size_t i = body.find('\\'); i != std::string_view::npos; i = body.find('\\', i + 2)) {
    if (i + 3 >= body.size()) return false;
    const char third = static_cast<char>(body[i + 3] | 0x20);  // ASCII lower case
    if (body[i + 1] == 'u' && (body[i + 2] | 0x20) == 'd' && third >= 'c' && third <= 'f')
      return true;
  }
  return false;
}

class Reader : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Reader> {
 public:
  // Every handler returns false to stop at the first thing the DOM path must answer.
  bool StartObject() {
    if (skip_ > 0) return ++skip_ > 0;
    if (where_ == Where::Start) return enter(Where::Request);
    if (where_ == Where::List) return false;
    switch (take()) {
      case Slot::Skip:
      case Slot::Id:      // an object id is no id
      case Slot::Client:  // nor a client
        skip_ = 1;
        return true;
      case Slot::Draft:
        return enter(Where::Draft);
      case Slot::Original:
        return enter(Where::Original);
      default:
        return false;
    }
  }

  bool EndObject(rapidjson::SizeType /*members*/) {
    if (skip_ > 0) return --skip_ >= 0;
    where_ = where_ == Where::Original ? Where::Draft
             : where_ == Where::Draft  ? Where::Request
                                       : Where::Done;
    return true;
  }

  bool StartArray() {
    if (skip_ > 0) return ++skip_ > 0;
    if (where_ == Where::Start || where_ == Where::List) return false;
    const Slot slot = take();
    if (slot == Slot::Skip || slot == Slot::Id || slot == Slot::Client) {
      skip_ = 1;
      return true;
    }
    list_ = list_of(slot);
    if (list_ == nullptr) return false;
    list_parent_ = where_;
    where_ = Where::List;
    return true;
  }

  bool EndArray(rapidjson::SizeType /*elements*/) {
    if (skip_ > 0) return --skip_ >= 0;
    where_ = list_parent_;
    return true;
  }

  explicit Reader(bool check_surrogates) : check_surrogates_(check_surrogates) {}

  bool Key(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    if (check_surrogates_ && holds_surrogate(text, length)) return false;
    if (skip_ > 0) return true;
    const std::string_view key(text, length);
    pending_ = Slot::Skip;
    const auto find = [&](const auto& keys) {
      for (std::size_t k = 0; k < keys.size(); ++k) {
        if (keys[k].key != key) continue;
        const auto bit = 1U << static_cast<unsigned>(keys[k].slot);
        if ((seen_ & bit) != 0) return false;  // given twice: the DOM keeps the last one
        seen_ |= bit;
        pending_ = keys[k].slot;
      }
      return true;
    };
    switch (where_) {
      case Where::Request:
        return find(kRequestKeys);
      case Where::Draft:
        return find(kDraftKeys);
      case Where::Original:
        return find(kOriginalKeys);
      default:
        return true;
    }
  }

  bool String(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    if (check_surrogates_ && holds_surrogate(text, length)) return false;
    if (skip_ > 0) return true;
    if (where_ == Where::List) {
      list_->emplace_back(text, length);
      return true;
    }
    if (where_ == Where::Start) return false;
    std::string value(text, length);
    const Slot slot = take();
    switch (slot) {
      case Slot::Skip:
        return true;
      case Slot::Type:
        type_ = std::move(value);
        return true;
      case Slot::Id:
        request_.id = std::move(value);
        return true;
      case Slot::Client:
        request_.client = std::move(value);
        return true;
      case Slot::From:
        request_.draft.from = std::move(value);
        return true;
      case Slot::DraftType:
        draft_type_ = std::move(value);
        return true;
      case Slot::OriginalFrom:
        request_.draft.original.from = std::move(value);
        return true;
      default:
        break;
    }
    // A single string for a list: one comma-separated field, as the DOM path tolerates.
    std::vector<std::string>* list = list_of(slot);
    if (list == nullptr) return false;
    list->push_back(std::move(value));
    return true;
  }

  bool Null() {
    if (skip_ > 0) return true;
    if (where_ == Where::List || where_ == Where::Start) return false;
    switch (take()) {
      case Slot::Type:
      case Slot::Version:
      case Slot::Draft:
        return false;
      default:
        return true;  // an absent value: no id, no client, an empty field
    }
  }

  bool Bool(bool /*value*/) { return scalar(false); }
  // RapidJSON 1.1.0 rounds 9e308 to infinity without an error where nlohmann refuses it
  // (out_of_range 406): such a body is the DOM's to answer, wherever the number is.
  bool Double(double value) { return std::isfinite(value) && scalar(true); }
  bool Int(int value) { return integer(value); }
  bool Int64(std::int64_t value) { return integer(value); }
  bool Uint(unsigned value) { return integer(std::uint64_t{value}); }
  bool Uint64(std::uint64_t value) { return integer(value); }

  // The request read, when it is the everyday check.
  std::optional<CheckRequest> finish() {
    if (where_ != Where::Done || type_ != "check" || !version_ok_ ||
        (seen_ & (1U << static_cast<unsigned>(Slot::Draft))) == 0)
      return std::nullopt;
    if (!draft_type_.empty()) {
      bool known = false;
      for (ComposeType candidate :
           {ComposeType::New, ComposeType::Reply, ComposeType::Forward, ComposeType::Draft,
            ComposeType::Template, ComposeType::Redirect}) {
        if (draft_type_ == to_string(candidate)) {
          request_.draft.type = candidate;
          known = true;
        }
      }
      if (!known) return std::nullopt;
    }
    return std::move(request_);
  }

 private:
  bool enter(Where where) {
    where_ = where;
    return true;
  }

  Slot take() {
    const Slot slot = pending_;
    pending_ = Slot::Skip;
    return slot;
  }

  std::vector<std::string>* list_of(Slot slot) {
    switch (slot) {
      case Slot::To:
        return &request_.draft.to;
      case Slot::Cc:
        return &request_.draft.cc;
      case Slot::Bcc:
        return &request_.draft.bcc;
      case Slot::OriginalTo:
        return &request_.draft.original.to;
      case Slot::OriginalCc:
        return &request_.draft.original.cc;
      default:
        return nullptr;
    }
  }

  // A boolean or a number that is no integer: no client, and a boolean id is no id; a
  // fractional id (1.5) is echoed by the DOM path in nlohmann's number format. Refused elsewhere.
  bool scalar(bool fraction) {
    if (skip_ > 0) return true;
    if (where_ == Where::List || where_ == Where::Start) return false;
    const Slot slot = take();
    return slot == Slot::Skip || slot == Slot::Client || (slot == Slot::Id && !fraction);
  }

  template <typename Integer>
  bool integer(Integer value) {
    if (skip_ > 0) return true;
    if (where_ == Where::List || where_ == Where::Start) return false;
    switch (take()) {
      case Slot::Skip:
      case Slot::Client:
        return true;
      case Slot::Version:
        version_ok_ = value == static_cast<Integer>(protocol_version);
        return true;
      case Slot::Id:
        request_.id = value;
        return true;
      default:
        return false;
    }
  }

  bool check_surrogates_;
  CheckRequest request_;
  std::string type_;
  std::string draft_type_;
  bool version_ok_ = false;
  Where where_ = Where::Start;
  Where list_parent_ = Where::Start;
  Slot pending_ = Slot::Skip;
  std::vector<std::string>* list_ = nullptr;
  std::uint32_t seen_ = 0;  // one bit per Slot: the keys met so far
  int skip_ = 0;            // depth inside a value nobody reads
};

// `body` is followed by request_padding NULs.
std::optional<CheckRequest> read_padded(std::string_view body) {
  // Before RapidJSON: bytes that are not UTF-8 are nlohmann's error (and once the whole body is
  // UTF-8, so is every string in it); a control character other than JSON's whitespace is one
  // too, anywhere: RapidJSON 1.1.0's SSE2 string scan misses 0x1A..0x1F (it compares with
  // 0x19), and a NUL would end its input early.
  if (body.empty() || holds_control(body) || !unchanged_by_repair(body)) return std::nullopt;
  // Not in situ: the body stays as it came (a body refused here is the DOM's to read). Each
  // string is unescaped into the parser's small stack, then copied into the Draft.
  Reader reader(escapes_low_surrogate(body));
  rapidjson::StringStream stream(body.data());
  rapidjson::Reader parser;
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag;
  if (parser.Parse<kFlags>(stream, reader).IsError()) return std::nullopt;
  return reader.finish();
}

}  // namespace

PaddedBody::PaddedBody(std::string_view buffer) : body_(buffer) {
  if (buffer.size() < request_padding) return;
  const std::string_view tail = buffer.substr(buffer.size() - request_padding);
  if (tail.find_first_not_of('\0') != std::string_view::npos) return;
  body_ = buffer.substr(0, buffer.size() - request_padding);
  padded_ = true;
}

std::optional<CheckRequest> read_check_request(const PaddedBody& body) {
  if (!body.padded()) return read_check_request(body.body());
  return read_padded(body.body());
}

std::optional<CheckRequest> read_check_request(std::string_view body) {
  std::string text;
  text.reserve(body.size() + request_padding);
  text.append(body);
  text.append(request_padding, '\0');
  return read_padded(std::string_view(text).substr(0, body.size()));
}

}  // namespace bccshield

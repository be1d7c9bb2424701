#pragma once
// The engine's answer for one draft: a decision, the typed findings behind it, the Convert
// rewrite. JSON exists only in verdict.cpp (the wire form of PROTOCOL.md, version 2).

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bccshield/draft.hpp"
#include "bccshield/policy.hpp"

namespace bccshield {

// A recipient as the reply names it. Most entries are a whole request string (one pill in
// Thunderbird, one Outlook recipient): then only that string's index in the flattened
// request, [...to, ...cc, ...bcc], is sent back, which keeps replies small. An entry cut out
// of a longer string (a group, "a, b", the sender) carries its own text.
// The text is a view into the draft's strings or into the verdict's own storage.
struct RecipientRef {
  static constexpr std::uint32_t no_source = 0xFFFFFFFFU;
  std::uint32_t source = no_source;
  std::string_view text;  // set only when source == no_source

  [[nodiscard]] bool indexed() const { return source != no_source; }
  // The text the client knows this recipient by.
  [[nodiscard]] std::string_view resolve(const Draft& draft) const;
  bool operator==(const RecipientRef&) const = default;
};

struct ListedParty {
  // A private mailbox's address, or an organisation's registrable domain: a view into the
  // draft or into the verdict's storage (no allocation per party).
  std::string_view party;
  bool consumer = false;
  std::size_t size = 0;
  std::vector<RecipientRef> recipients;  // at most max_listed_recipients over all parties
};

// Findings list recipients for the popup; past this many the rest are only counted, which
// keeps every list in a reply bounded whatever the draft's size.
inline constexpr std::size_t max_listed_recipients = 1000;

struct ExposedPartiesFinding {
  int threshold = 0;
  int visible_recipients = 0;
  int external_recipients = 0;
  int external_parties = 0;
  std::vector<ListedParty> parties;  // largest first, then in order of appearance
  std::size_t omitted_parties = 0;
  std::size_t omitted_recipients = 0;
};

struct ReplyExposureFinding {
  int threshold = 0;
  std::size_t original_external_parties = 0;
  std::size_t kept_visible = 0;
  std::vector<RecipientRef> recipients;
};

struct LargeAliasFinding {
  struct Alias {
    RecipientRef recipient;
    int audience = 0;
  };
  int threshold = 0;
  long long weighted_parties = 0;
  std::vector<Alias> aliases;
  int exposed_recipients = 0;
};

struct UnparsableFinding {
  struct Entry {
    RecipientRef text;
    std::string reason;  // ParseProblem reason id
  };
  std::size_t count = 0;
  std::vector<Entry> entries;
};

using FindingData =
    std::variant<ExposedPartiesFinding, ReplyExposureFinding, LargeAliasFinding, UnparsableFinding>;

struct Finding {
  Action action = Action::Warn;
  FindingData data;
  [[nodiscard]] const char* rule() const;  // stable rule id (policy.hpp)
};

struct Rewrite {
  RewriteStrategy strategy = RewriteStrategy::Self;
  std::vector<RecipientRef> to;
  std::vector<RecipientRef> cc;
  std::vector<RecipientRef> bcc;
};

// How the converted draft leaves (issue 14): one message, several within the provider's
// per-message recipient limit, or one copy per recipient. Positions count in the rewrite's
// recipients flattened as [...to, ...cc, ...bcc]; the first `repeated` of them (the sender that
// `self` puts in To) go into every message and count toward each message's limit.
enum class DeliveryMode { Single, Batches, Individual };

struct Delivery {
  DeliveryMode mode = DeliveryMode::Single;
  int limit = 0;  // envelope recipients per message; 0 = no limit
  // Batches: leading positions in every message. Individual: leading positions (the sender)
  // that get no copy; each later position is one message, that recipient alone in To.
  std::uint32_t repeated = 0;
  // Batches: message k holds positions [bounds[k], bounds[k+1]) plus the repeated ones.
  std::vector<std::uint32_t> bounds;
  std::size_t messages = 1;
  int individual_max = 0;  // set when `individual` was asked but the audience exceeded it
};

// The organisation's bulk tool, named when the audience reaches its threshold.
struct BulkChannelNote {
  std::string_view name;  // views into the policy, which outlives the reply it is written to
  std::string_view url;
  std::size_t recipients = 0;
};

struct Summary {
  int visible_recipients = 0;  // unique addresses in To and Cc
  int internal_recipients = 0;
  int external_recipients = 0;
  int external_parties = 0;
  int hidden_recipients = 0;  // unique addresses only in Bcc
  int unparsable_entries = 0;
};

// The recipient keys evaluate() computed (local part case-folded, domain normalised; the raw
// text for an entry that could not be read), for the audit edge to hash: it never parses.
// The keys are views, like the verdict's other texts: into the Draft and the Verdict's
// storage (10,000 keys are then 10,000 views, not 10,000 strings). Whatever keeps keys past
// the draft and the verdict (the audit log hashes them after the reply) takes detached().
struct RecipientKeys {
  std::string_view from;
  std::vector<std::string_view> to;
  std::vector<std::string_view> cc;
  std::vector<std::string_view> bcc;
  std::vector<std::string_view> original_to;  // replies only
  std::vector<std::string_view> original_cc;

  // The same keys, viewing one buffer this copy owns (one allocation for all the texts).
  [[nodiscard]] RecipientKeys detached() const;

  RecipientKeys() = default;
  RecipientKeys(RecipientKeys&&) = default;  // the owned buffer does not move: views stay valid
  RecipientKeys& operator=(RecipientKeys&&) = default;
  RecipientKeys(const RecipientKeys&) = delete;  // a copy would view the original's buffer
  RecipientKeys& operator=(const RecipientKeys&) = delete;
  ~RecipientKeys() = default;

 private:
  std::unique_ptr<char[]> owned_;  // what detached() copied the texts into
};

// Recipient texts are views into the Draft it was made from and into `storage`: keep the
// draft alive while the verdict is read, and move a verdict rather than copy it.
struct Verdict {
  Action decision = Action::Allow;
  Summary summary;
  std::vector<Finding> findings;
  std::optional<Rewrite> rewrite;    // set for every decision but Allow
  std::optional<Delivery> delivery;  // with the rewrite
  std::optional<BulkChannelNote> bulk_channel;
  std::optional<RecipientKeys> keys;  // when EvaluateOptions::with_keys
  std::deque<std::string> storage;    // texts that are not in the draft (a chunked arena)

  Verdict() = default;
  Verdict(Verdict&&) = default;
  Verdict& operator=(Verdict&&) = default;
  Verdict(const Verdict&) = delete;
  Verdict& operator=(const Verdict&) = delete;
  ~Verdict() = default;
};

class JsonWriter;

// A member the caller adds to the verdict's object (checkId on the wire, policy in the CLI),
// written at its place in key order. Extras come sorted by key.
struct ExtraMember {
  std::string_view key;
  std::function<void(JsonWriter&)> write;
};

// The reply's `result` (PROTOCOL.md) written straight out: recipients by index into the request,
// or with `readable` every recipient written out as its text in that draft.
void write_json(JsonWriter& out, const Verdict& verdict, const Draft* readable = nullptr,
                std::span<const ExtraMember> extras = {});
void write_json(JsonWriter& out, const Summary& summary);
void write_json(JsonWriter& out, const Delivery& delivery);
// The same as DOMs (tests, the audit line, the Outlook engine's info).
nlohmann::json to_json(const Verdict& verdict);
// The same with every recipient written out, for people (the admin CLI's `check`).
nlohmann::json to_readable_json(const Verdict& verdict, const Draft& draft);
nlohmann::json to_json(const Summary& summary);
nlohmann::json to_json(const Delivery& delivery);
const char* to_string(DeliveryMode mode);

}  // namespace bccshield

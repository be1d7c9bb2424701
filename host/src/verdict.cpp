#include "bccshield/verdict.hpp"

#include <array>
#include <charconv>
#include <nlohmann/json.hpp>

#include "bccshield/json_writer.hpp"

namespace bccshield {

using nlohmann::json;

namespace {

// Every object's keys are written in byte order (json_writer.hpp): the reply's bytes are those
// nlohmann's std::map-ordered dump gave.
class VerdictWriter {
 public:
  VerdictWriter(JsonWriter& out, const Draft* readable) : out_(out), readable_(readable) {}

  // How a recipient is written: by index (the wire) or as text (people).
  void recipient(const RecipientRef& recipient) {
    if (readable_ != nullptr) {
      out_.string(recipient.resolve(*readable_));
    } else if (recipient.indexed()) {
      out_.number(recipient.source);
    } else {
      out_.string(recipient.text);
    }
  }

  void list(std::string_view key, const std::vector<RecipientRef>& recipients) {
    out_.key(key);
    out_.begin_array();
    if (readable_ != nullptr || !out_.one_line()) {
      for (const RecipientRef& item : recipients) recipient(item);
    } else {
      indexed_runs(recipients);
    }
    out_.end_array();
  }

  // The wire's lists are mostly indexes: each run of them is formatted here, joined by ',', and
  // appended at once (140 -> ~50 instructions an index), the texts between them one by one.
  void indexed_runs(const std::vector<RecipientRef>& recipients) {
    constexpr std::size_t kRun = 4096;
    constexpr std::size_t kLongestIndex = 11;  // ',' and ten digits
    std::array<char, kRun> run;
    std::size_t used = 0;
    std::size_t count = 0;
    const auto flush = [&] {
      out_.joined_elements(std::string_view(run.data(), used), count);
      used = 0;
      count = 0;
    };
    for (const RecipientRef& item : recipients) {
      if (!item.indexed()) {
        flush();
        out_.string(item.text);
        continue;
      }
      if (used + kLongestIndex > run.size()) flush();
      if (count > 0) run[used++] = ',';
      used = static_cast<std::size_t>(
          std::to_chars(run.data() + used, run.data() + run.size(), item.source).ptr - run.data());
      ++count;
    }
    flush();
  }

  void finding(const Finding& finding) {
    out_.begin_object();
    out_.member("action", to_string(finding.action));
    std::visit([&](const auto& data) { fields(data, finding.rule()); }, finding.data);
    out_.end_object();
  }

  void verdict(const Verdict& verdict, std::span<const ExtraMember> extras) {
    std::size_t next_extra = 0;
    const auto extras_before = [&](std::string_view key) {
      for (; next_extra < extras.size() && extras[next_extra].key < key; ++next_extra) {
        out_.key(extras[next_extra].key);
        extras[next_extra].write(out_);
      }
    };
    out_.begin_object();
    if (verdict.bulk_channel) {
      extras_before("bulkChannel");
      out_.key("bulkChannel");
      out_.begin_object();
      out_.member("name", verdict.bulk_channel->name);
      out_.member("recipients", verdict.bulk_channel->recipients);
      out_.member("url", verdict.bulk_channel->url);
      out_.end_object();
    }
    extras_before("decision");
    out_.member("decision", to_string(verdict.decision));
    // Written only when it says more than "one message" (no large-mailing key in the policy: the
    // reply is as before issue 14, and a client reads a missing delivery as one message).
    if (const auto& delivery = verdict.delivery;
        delivery && (delivery->mode != DeliveryMode::Single || delivery->limit > 0 ||
                     delivery->individual_max > 0)) {
      extras_before("delivery");
      out_.key("delivery");
      write_json(out_, *delivery);
    }
    extras_before("findings");
    out_.key("findings");
    out_.begin_array();
    for (const Finding& item : verdict.findings) finding(item);
    out_.end_array();
    if (verdict.rewrite) {
      extras_before("rewrite");
      out_.key("rewrite");
      out_.begin_object();
      list("bcc", verdict.rewrite->bcc);
      list("cc", verdict.rewrite->cc);
      out_.member("strategy", to_string(verdict.rewrite->strategy));
      list("to", verdict.rewrite->to);
      out_.end_object();
    }
    extras_before("summary");
    out_.key("summary");
    write_json(out_, verdict.summary);
    extras_before("\xFF");
    out_.end_object();
  }

 private:
  void fields(const ExposedPartiesFinding& finding, const char* rule) {
    out_.member("externalParties", finding.external_parties);
    out_.member("externalRecipients", finding.external_recipients);
    out_.member("omittedParties", finding.omitted_parties);
    out_.member("omittedRecipients", finding.omitted_recipients);
    out_.key("parties");
    out_.begin_array();
    for (const ListedParty& party : finding.parties) {
      out_.begin_object();
      out_.member("kind", party.consumer ? "private" : "organisation");
      out_.member("party", party.party);
      list("recipients", party.recipients);
      out_.member("size", party.size);
      out_.end_object();
    }
    out_.end_array();
    out_.member("rule", rule);
    out_.member("threshold", finding.threshold);
    out_.member("visibleRecipients", finding.visible_recipients);
  }

  void fields(const ReplyExposureFinding& finding, const char* rule) {
    out_.member("keptVisible", finding.kept_visible);
    out_.member("originalExternalParties", finding.original_external_parties);
    list("recipients", finding.recipients);
    out_.member("rule", rule);
    out_.member("threshold", finding.threshold);
  }

  void fields(const LargeAliasFinding& finding, const char* rule) {
    out_.key("aliases");
    out_.begin_array();
    for (const LargeAliasFinding::Alias& alias : finding.aliases) {
      out_.begin_object();
      out_.member("audience", alias.audience);
      out_.key("recipient");
      recipient(alias.recipient);
      out_.end_object();
    }
    out_.end_array();
    out_.member("exposedRecipients", finding.exposed_recipients);
    out_.member("rule", rule);
    out_.member("threshold", finding.threshold);
    out_.member("weightedParties", finding.weighted_parties);
  }

  void fields(const UnparsableFinding& finding, const char* rule) {
    out_.member("count", finding.count);
    out_.key("entries");
    out_.begin_array();
    for (const UnparsableFinding::Entry& entry : finding.entries) {
      out_.begin_object();
      out_.member("reason", entry.reason);
      out_.key("text");
      recipient(entry.text);
      out_.end_object();
    }
    out_.end_array();
    out_.member("rule", rule);
  }

  JsonWriter& out_;
  const Draft* readable_;
};

template <typename Value>
json parsed(const Value& value) {
  std::string text;
  JsonWriter out(text);
  write_json(out, value);
  return json::parse(text);
}

}  // namespace

std::string_view RecipientRef::resolve(const Draft& draft) const {
  if (!indexed()) return text;
  std::size_t index = source;
  for (const std::vector<std::string>* field : {&draft.to, &draft.cc, &draft.bcc}) {
    if (index < field->size()) return (*field)[index];
    index -= field->size();
  }
  return {};
}

const char* Finding::rule() const {
  struct Rule {
    const char* operator()(const ExposedPartiesFinding&) const { return rule_exposed_parties; }
    const char* operator()(const ReplyExposureFinding&) const { return rule_reply_exposure; }
    const char* operator()(const LargeAliasFinding&) const { return rule_large_alias; }
    const char* operator()(const UnparsableFinding&) const { return rule_unparsable_recipient; }
  };
  return std::visit(Rule{}, data);
}

void write_json(JsonWriter& out, const Summary& summary) {
  out.begin_object();
  out.member("externalParties", summary.external_parties);
  out.member("externalRecipients", summary.external_recipients);
  out.member("hiddenRecipients", summary.hidden_recipients);
  out.member("internalRecipients", summary.internal_recipients);
  out.member("unparsableEntries", summary.unparsable_entries);
  out.member("visibleRecipients", summary.visible_recipients);
  out.end_object();
}

json to_json(const Summary& summary) { return parsed(summary); }

const char* to_string(DeliveryMode mode) {
  switch (mode) {
    case DeliveryMode::Single:
      return "single";
    case DeliveryMode::Batches:
      return "batches";
    case DeliveryMode::Individual:
      return "individual";
  }
  return "single";
}

void write_json(JsonWriter& out, const Delivery& delivery) {
  out.begin_object();
  if (delivery.mode == DeliveryMode::Batches) {
    out.key("bounds");
    out.begin_array();
    for (const std::uint32_t bound : delivery.bounds) out.number(bound);
    out.end_array();
  }
  if (delivery.individual_max > 0) out.member("individualMax", delivery.individual_max);
  if (delivery.limit > 0) out.member("limit", delivery.limit);
  out.member("messages", delivery.messages);
  out.member("mode", to_string(delivery.mode));
  if (delivery.mode != DeliveryMode::Single) out.member("repeated", delivery.repeated);
  out.end_object();
}

json to_json(const Delivery& delivery) { return parsed(delivery); }

void write_json(JsonWriter& out, const Verdict& verdict, const Draft* readable,
                std::span<const ExtraMember> extras) {
  VerdictWriter(out, readable).verdict(verdict, extras);
}

json to_json(const Verdict& verdict) {
  std::string text;
  JsonWriter out(text);
  write_json(out, verdict);
  return json::parse(text);
}

json to_readable_json(const Verdict& verdict, const Draft& draft) {
  std::string text;
  JsonWriter out(text);
  write_json(out, verdict, &draft);
  return json::parse(text);
}

}  // namespace bccshield

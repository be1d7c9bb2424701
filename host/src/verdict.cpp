#include "bccshield/verdict.hpp"

#include <nlohmann/json.hpp>

namespace bccshield {
namespace {

using nlohmann::json;

// How a recipient is written: by index (the wire) or as text (people).
class RecipientWriter {
 public:
  explicit RecipientWriter(const Draft* draft) : draft_(draft) {}

  [[nodiscard]] json operator()(const RecipientRef& recipient) const {
    if (draft_ != nullptr) return std::string(recipient.resolve(*draft_));
    if (recipient.indexed()) return recipient.source;
    return recipient.text;
  }

  [[nodiscard]] json list(const std::vector<RecipientRef>& recipients) const {
    json out(json::value_t::array);
    auto& items = out.get_ref<json::array_t&>();
    items.reserve(recipients.size());
    for (const RecipientRef& recipient : recipients) items.push_back((*this)(recipient));
    return out;
  }

 private:
  const Draft* draft_;
};

json finding_json(const ExposedPartiesFinding& finding, const RecipientWriter& write) {
  // Up to 1,000 parties: each built in place (an initializer list copies every value again).
  json parties(json::value_t::array);
  auto& items = parties.get_ref<json::array_t&>();
  items.reserve(finding.parties.size());
  for (const ListedParty& party : finding.parties) {
    auto& fields = items.emplace_back(json::value_t::object).get_ref<json::object_t&>();
    fields.emplace("party", party.party);
    fields.emplace("kind", party.consumer ? "private" : "organisation");
    fields.emplace("size", party.size);
    fields.emplace("recipients", write.list(party.recipients));
  }
  return {{"threshold", finding.threshold},
          {"visibleRecipients", finding.visible_recipients},
          {"externalRecipients", finding.external_recipients},
          {"externalParties", finding.external_parties},
          {"parties", std::move(parties)},
          {"omittedParties", finding.omitted_parties},
          {"omittedRecipients", finding.omitted_recipients}};
}

json finding_json(const ReplyExposureFinding& finding, const RecipientWriter& write) {
  return {{"threshold", finding.threshold},
          {"originalExternalParties", finding.original_external_parties},
          {"keptVisible", finding.kept_visible},
          {"recipients", write.list(finding.recipients)}};
}

json finding_json(const LargeAliasFinding& finding, const RecipientWriter& write) {
  json aliases = json::array();
  for (const LargeAliasFinding::Alias& alias : finding.aliases)
    aliases.push_back({{"recipient", write(alias.recipient)}, {"audience", alias.audience}});
  return {{"threshold", finding.threshold},
          {"weightedParties", finding.weighted_parties},
          {"aliases", std::move(aliases)},
          {"exposedRecipients", finding.exposed_recipients}};
}

json finding_json(const UnparsableFinding& finding, const RecipientWriter& write) {
  json entries = json::array();
  for (const UnparsableFinding::Entry& entry : finding.entries)
    entries.push_back({{"text", write(entry.text)}, {"reason", entry.reason}});
  return {{"count", finding.count}, {"entries", std::move(entries)}};
}

json verdict_json(const Verdict& verdict, const RecipientWriter& write) {
  json findings = json::array();
  for (const Finding& finding : verdict.findings) {
    json item =
        std::visit([&](const auto& data) { return finding_json(data, write); }, finding.data);
    item["rule"] = finding.rule();
    item["action"] = to_string(finding.action);
    findings.push_back(std::move(item));
  }
  json result = {{"decision", to_string(verdict.decision)},
                 {"summary", to_json(verdict.summary)},
                 {"findings", std::move(findings)}};
  if (verdict.rewrite) {
    result["rewrite"] = {{"strategy", to_string(verdict.rewrite->strategy)},
                         {"to", write.list(verdict.rewrite->to)},
                         {"cc", write.list(verdict.rewrite->cc)},
                         {"bcc", write.list(verdict.rewrite->bcc)}};
  }
  // Written only when it says more than "one message" (no large-mailing key in the policy: the
  // reply is as before issue 14, and a client reads a missing delivery as one message).
  if (const auto& delivery = verdict.delivery;
      delivery && (delivery->mode != DeliveryMode::Single || delivery->limit > 0 ||
                   delivery->individual_max > 0)) {
    result["delivery"] = to_json(*delivery);
  }
  if (verdict.bulk_channel) {
    result["bulkChannel"] = {{"name", verdict.bulk_channel->name},
                             {"url", verdict.bulk_channel->url},
                             {"recipients", verdict.bulk_channel->recipients}};
  }
  return result;
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

json to_json(const Summary& summary) {
  return {{"visibleRecipients", summary.visible_recipients},
          {"internalRecipients", summary.internal_recipients},
          {"externalRecipients", summary.external_recipients},
          {"externalParties", summary.external_parties},
          {"hiddenRecipients", summary.hidden_recipients},
          {"unparsableEntries", summary.unparsable_entries}};
}

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

json to_json(const Delivery& delivery) {
  json out = {{"mode", to_string(delivery.mode)}, {"messages", delivery.messages}};
  if (delivery.limit > 0) out["limit"] = delivery.limit;
  if (delivery.mode != DeliveryMode::Single) out["repeated"] = delivery.repeated;
  if (delivery.mode == DeliveryMode::Batches) out["bounds"] = delivery.bounds;
  if (delivery.individual_max > 0) out["individualMax"] = delivery.individual_max;
  return out;
}

json to_json(const Verdict& verdict) { return verdict_json(verdict, RecipientWriter(nullptr)); }

json to_readable_json(const Verdict& verdict, const Draft& draft) {
  return verdict_json(verdict, RecipientWriter(&draft));
}

}  // namespace bccshield

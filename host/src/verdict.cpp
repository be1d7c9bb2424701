#include "bccshield/verdict.hpp"

namespace bccshield {

nlohmann::json to_json(const Verdict& verdict) {
  using nlohmann::json;
  json findings = json::array();
  for (const Finding& finding : verdict.findings) {
    json item = {{"rule", finding.rule}, {"action", to_string(finding.action)}};
    item.update(finding.data);
    findings.push_back(std::move(item));
  }
  const Summary& s = verdict.summary;
  json result = {{"decision", to_string(verdict.decision)},
                 {"summary",
                  {{"visibleRecipients", s.visible_recipients},
                   {"internalRecipients", s.internal_recipients},
                   {"externalRecipients", s.external_recipients},
                   {"externalParties", s.external_parties},
                   {"hiddenRecipients", s.hidden_recipients},
                   {"unparsableEntries", s.unparsable_entries}}},
                 {"findings", std::move(findings)}};
  if (verdict.rewrite) {
    result["rewrite"] = {{"strategy", to_string(verdict.rewrite->strategy)},
                         {"to", verdict.rewrite->to},
                         {"cc", verdict.rewrite->cc},
                         {"bcc", verdict.rewrite->bcc}};
  }
  return result;
}

}  // namespace bccshield

#pragma once
// The draft the extension sends: recipient strings exactly as Thunderbird gives them.

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace bccshield {

enum class ComposeType { New, Reply, Forward, Draft, Template, Redirect };

struct OriginalMessage {
  std::string from;
  std::vector<std::string> to;
  std::vector<std::string> cc;
};

struct Draft {
  std::string from;
  std::vector<std::string> to;
  std::vector<std::string> cc;
  std::vector<std::string> bcc;
  ComposeType type = ComposeType::New;
  OriginalMessage original;  // meaningful for replies only
};

// Reads a draft object; throws ProtocolError(InvalidField) naming the offending field.
Draft draft_from_json(const nlohmann::json& object);
const char* to_string(ComposeType type);

}  // namespace bccshield

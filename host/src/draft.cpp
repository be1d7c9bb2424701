#include "bccshield/draft.hpp"

#include <array>
#include <nlohmann/json.hpp>

#include "bccshield/protocol_error.hpp"

namespace bccshield {
namespace {

using nlohmann::json;

[[noreturn]] void invalid(const std::string& field, const std::string& problem) {
  throw ProtocolError(ErrorCode::InvalidField, field + " " + problem, {{"field", field}});
}

std::string optional_string(const json& object, const char* key, const std::string& prefix) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string()) invalid(prefix + key, "must be a string");
  return it->get<std::string>();
}

std::vector<std::string> string_list(const json& object, const char* key,
                                     const std::string& prefix) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  // Tolerate a single string: some callers (and .eml headers) give one comma-separated field.
  if (it->is_string()) return {it->get<std::string>()};
  if (!it->is_array()) invalid(prefix + key, "must be an array of strings");
  std::vector<std::string> values;
  values.reserve(it->size());
  for (const auto& item : *it) {
    if (!item.is_string()) invalid(prefix + key, "must be an array of strings");
    values.push_back(item.get<std::string>());
  }
  return values;
}

constexpr std::array kTypes = {ComposeType::New,   ComposeType::Reply,    ComposeType::Forward,
                               ComposeType::Draft, ComposeType::Template, ComposeType::Redirect};

}  // namespace

const char* to_string(ComposeType type) {
  switch (type) {
    case ComposeType::New:
      return "new";
    case ComposeType::Reply:
      return "reply";
    case ComposeType::Forward:
      return "forward";
    case ComposeType::Draft:
      return "draft";
    case ComposeType::Template:
      return "template";
    case ComposeType::Redirect:
      return "redirect";
  }
  return "new";
}

Draft draft_from_json(const json& object) {
  if (!object.is_object()) invalid("draft", "must be an object");
  Draft draft;
  draft.from = optional_string(object, "from", "draft.");
  draft.to = string_list(object, "to", "draft.");
  draft.cc = string_list(object, "cc", "draft.");
  draft.bcc = string_list(object, "bcc", "draft.");
  const std::string type = optional_string(object, "type", "draft.");
  if (!type.empty()) {
    bool known = false;
    for (ComposeType candidate : kTypes) {
      if (type == to_string(candidate)) {
        draft.type = candidate;
        known = true;
      }
    }
    if (!known)
      invalid("draft.type", "must be one of new, reply, forward, draft, template, redirect");
  }
  const auto original = object.find("original");
  if (original != object.end() && !original->is_null()) {
    if (!original->is_object()) invalid("draft.original", "must be an object");
    draft.original.from = optional_string(*original, "from", "draft.original.");
    draft.original.to = string_list(*original, "to", "draft.original.");
    draft.original.cc = string_list(*original, "cc", "draft.original.");
  }
  return draft;
}

}  // namespace bccshield

// The golden check vectors (tests/vectors/, written by scripts/make-vectors.py) through the core.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bccshield/evaluate.hpp"

namespace bccshield {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kVectors = fs::path(BCCSHIELD_TEST_DATA_DIR) / "vectors";

json read_json(const fs::path& file) {
  std::ifstream in(file);
  return json::parse(in);
}

std::vector<std::string> vector_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kVectors)) {
    const std::string file = entry.path().filename().string();
    const std::string suffix = ".request.json";
    if (file.starts_with("check-") && file.ends_with(suffix))
      names.push_back(file.substr(0, file.size() - suffix.size()));
  }
  std::sort(names.begin(), names.end());
  return names;
}

class GoldenVectors : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenVectors, CoreVerdictMatchesTheRecordedResponse) {
  const fs::path base = kVectors / GetParam();
  const json request = read_json(base.string() + ".request.json");
  json expected = read_json(base.string() + ".response.json")["result"];
  expected.erase("checkId");
  const fs::path policy_file = base.string() + ".policy.json";
  const Policy policy =
      fs::exists(policy_file) ? policy_from_json(read_json(policy_file)) : Policy::defaults();
  EXPECT_EQ(to_json(evaluate(draft_from_json(request["draft"]), policy)), expected);
}

INSTANTIATE_TEST_SUITE_P(Vectors, GoldenVectors, ::testing::ValuesIn(vector_names()),
                         [](const ::testing::TestParamInfo<std::string>& vector) {
                           std::string name = vector.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(GoldenVectorsPresent, AtLeastTheDocumentedScenarios) { EXPECT_GE(vector_names().size(), 16U); }

}  // namespace
}  // namespace bccshield

// Address-list conformance against peer parsers' own test suites (tests/conformance/vectors).
// jsmime (Thunderbird) is the reference: every case must match exactly, or be listed in
// known_deviations.json, which states the result we produce instead and why.
// Go / Python / GMime: RFC-valid cases must give the same addresses; their error cases must
// give a ParseProblem or no domain other than the ones the peer (or the input) names.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bccshield/address_list.hpp"

namespace bccshield {
namespace {

using nlohmann::json;

std::string data_path(const std::string& relative) {
  return std::string(BCCSHIELD_TEST_DATA_DIR) + "/conformance/" + relative;
}

json load_json(const std::string& relative) {
  std::ifstream in(data_path(relative), std::ios::binary);
  if (!in) return json();
  return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// "local"@domain -> local@domain, so quoting conventions of each peer do not matter.
std::string canonical_address(const std::string& address) {
  const auto at = address.rfind('@');
  if (at == std::string::npos) return address;
  std::string local = address.substr(0, at);
  if (local.size() >= 2 && local.front() == '"' && local.back() == '"') {
    std::string unquoted;
    for (std::size_t i = 1; i + 1 < local.size(); ++i) {
      if (local[i] == '\\' && i + 2 < local.size()) ++i;
      unquoted.push_back(local[i]);
    }
    local = unquoted;
  }
  return local + address.substr(at);
}

std::string domain_of(const std::string& address) {
  const auto at = address.rfind('@');
  return at == std::string::npos ? std::string() : address.substr(at + 1);
}

// Inputs may hold invalid UTF-8 on purpose: dump them lossily.
std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

json mailbox_json(const Mailbox& m) { return json{{"name", m.name}, {"email", m.address()}}; }

// Our result in jsmime's shape, plus the problems.
struct Outcome {
  json entries = json::array();
  json problems = json::array();
  std::vector<std::string> addresses;  // canonical, flattened
};

Outcome run_parser(const std::vector<std::string>& inputs) {
  Outcome out;
  for (const std::string& input : inputs) {
    const ParsedAddressList parsed = parse_address_list(input);
    for (const AddressEntry& entry : parsed.entries) {
      if (const auto* mailbox = std::get_if<Mailbox>(&entry)) {
        out.entries.push_back(mailbox_json(*mailbox));
      } else {
        const auto& g = std::get<Group>(entry);
        json members = json::array();
        for (const Mailbox& member : g.members) members.push_back(mailbox_json(member));
        out.entries.push_back(json{{"name", g.name}, {"group", members}});
      }
    }
    for (const Mailbox& m : parsed.mailboxes())
      out.addresses.push_back(canonical_address(m.address()));
    for (const ParseProblem& p : parsed.problems) {
      out.problems.push_back(json{{"reason", p.reason}, {"text", p.text}});
    }
  }
  return out;
}

const json& deviations() {
  static const json all = load_json("known_deviations.json");
  return all;
}

// The documented deviation for (suite, input), or null.
const json* find_deviation(const std::string& suite, const std::string& key) {
  const json& all = deviations();
  if (!all.is_object() || !all.contains(suite)) return nullptr;
  for (const json& d : all[suite]) {
    if (d.value("key", std::string()) == key) return &d;
  }
  return nullptr;
}

// ------------------------------------------------------------------------------------------
// jsmime (reference)

struct JsmimeCase {
  std::size_t index = 0;
  std::vector<std::string> inputs;
  bool decode_rfc2047 = true;
  json expected;
  std::string key;
};

void PrintTo(const JsmimeCase& c, std::ostream* os) { *os << c.key; }

std::vector<JsmimeCase> jsmime_cases() {
  std::vector<JsmimeCase> cases;
  const json doc = load_json("vectors/jsmime_thunderbird.json");
  if (!doc.is_object()) return cases;
  for (const json& c : doc["cases"]) {
    JsmimeCase jc;
    jc.index = cases.size();
    if (c["input"].is_array()) {
      for (const json& line : c["input"]) jc.inputs.push_back(line.get<std::string>());
    } else {
      jc.inputs.push_back(c["input"].get<std::string>());
    }
    jc.decode_rfc2047 = c.value("decode_rfc2047", true);
    jc.expected = c["expected"];
    jc.key = dump(c["input"]) + (jc.decode_rfc2047 ? "" : " [no-rfc2047]");
    cases.push_back(std::move(jc));
  }
  return cases;
}

class JsmimeConformance : public ::testing::TestWithParam<JsmimeCase> {};

TEST_P(JsmimeConformance, MatchesThunderbird) {
  const JsmimeCase& c = GetParam();
  const Outcome got = run_parser(c.inputs);
  const json* deviation = find_deviation("jsmime_thunderbird", c.key);
  SCOPED_TRACE("input: " + c.key);
  if (deviation == nullptr) {
    EXPECT_EQ(got.entries, c.expected) << "problems: " << dump(got.problems);
    EXPECT_EQ(got.problems, json::array());
    return;
  }
  ASSERT_TRUE(deviation->contains("reason") && !(*deviation)["reason"].get<std::string>().empty());
  // A deviation must be real (not stale) and produce exactly the documented result.
  EXPECT_TRUE((*deviation)["entries"] != c.expected || !(*deviation)["problems"].empty())
      << "stale deviation: jsmime's result is produced";
  EXPECT_EQ(got.entries, (*deviation)["entries"]);
  EXPECT_EQ(got.problems, (*deviation)["problems"]);
  // The safe reading: never a domain jsmime does not deliver to.
  std::set<std::string> jsmime_domains;
  for (const json& e : c.expected) {
    if (e.contains("email")) jsmime_domains.insert(domain_of(e["email"].get<std::string>()));
    if (e.contains("group")) {
      for (const json& m : e["group"])
        jsmime_domains.insert(domain_of(m["email"].get<std::string>()));
    }
  }
  for (const std::string& address : got.addresses) {
    EXPECT_TRUE(jsmime_domains.count(domain_of(address)) > 0) << address;
  }
}

std::string case_name(const ::testing::TestParamInfo<JsmimeCase>& info) {
  std::ostringstream name;
  name << "case_" << info.param.index;
  return name.str();
}

INSTANTIATE_TEST_SUITE_P(Jsmime, JsmimeConformance, ::testing::ValuesIn(jsmime_cases()), case_name);

TEST(JsmimeConformanceSuite, LoadsAllCasesAndEveryDeviationIsUsed) {
  const auto cases = jsmime_cases();
  EXPECT_EQ(cases.size(), 115U);
  std::set<std::string> keys;
  for (const auto& c : cases) keys.insert(c.key);
  ASSERT_TRUE(deviations().is_object());
  for (const json& d : deviations()["jsmime_thunderbird"]) {
    EXPECT_EQ(keys.count(d["key"].get<std::string>()), 1U) << "unknown deviation " << d["key"];
  }
}

// ------------------------------------------------------------------------------------------
// Peers: Go net/mail, CPython email, GMime

struct PeerCase {
  std::string suite;
  std::size_t index = 0;
  std::string label;
  std::vector<std::string> inputs;
  bool valid = false;                     // RFC-valid per the peer: addresses must match
  std::vector<std::string> expected;      // canonical addresses (valid cases)
  std::vector<std::string> raw_expected;  // as the peer wrote them
  std::set<std::string> allowed_domains;  // error cases: domains the peer yields
  bool expect_no_mailbox = false;         // "must return no address"
  std::string key;
};

void expect_address(PeerCase& c, const std::string& address) {
  c.raw_expected.push_back(address);
  c.expected.push_back(canonical_address(address));
  c.allowed_domains.insert(domain_of(address));
}

bool is_atext(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return c >= 0x80 || std::isalnum(c) != 0 ||
         std::string("!#$%&'*+-/=?^_`{|}~").find(ch) != std::string::npos;
}

bool is_dot_atom(const std::string& s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.' ? s[i + 1] == '.' : !is_atext(s[i])) return false;
  }
  return true;
}

// RFC 5322/6532 addr-spec (no obsolete forms): the peers' lenient acceptances are not a
// reference for the address they yield, only for its domain.
bool is_rfc_addr_spec(const std::string& address) {
  const auto at = address.rfind('@');
  if (at == std::string::npos) return false;
  const std::string local = address.substr(0, at);
  const std::string domain = address.substr(at + 1);
  bool local_ok = is_dot_atom(local);
  if (!local_ok && local.size() >= 2 && local.front() == '"' && local.back() == '"') {
    local_ok = true;
    for (std::size_t i = 1; i + 1 < local.size(); ++i) {
      if (local[i] == '\\') {
        ++i;
      } else if (local[i] == '"') {
        local_ok = false;
      }
    }
  }
  const bool literal = domain.size() >= 2 && domain.front() == '[' && domain.back() == ']' &&
                       domain.find_first_of("[]\\ ", 1) == domain.size() - 1;
  return local_ok && (literal || is_dot_atom(domain));
}

void PrintTo(const PeerCase& c, std::ostream* os) { *os << c.suite << " " << c.key; }

void add_domains_from_input(PeerCase& c) {
  for (const std::string& input : c.inputs) {
    for (std::size_t at = input.find('@'); at != std::string::npos; at = input.find('@', at + 1)) {
      std::size_t end = at + 1;
      while (end < input.size() &&
             std::string(" \t\r\n,;<>()\"@").find(input[end]) == std::string::npos) {
        ++end;
      }
      c.allowed_domains.insert(input.substr(at + 1, end - at - 1));
    }
  }
}

std::vector<PeerCase> go_cases() {
  std::vector<PeerCase> cases;
  const json doc = load_json("vectors/go_net_mail.json");
  if (!doc.is_object()) return cases;
  const auto push = [&](PeerCase c) {
    c.suite = "go_net_mail";
    c.index = cases.size();
    c.key = c.label + ":" + dump(json(c.inputs.front()));
    cases.push_back(std::move(c));
  };
  for (const json& r : doc["parse_ok"]) {
    PeerCase c;
    c.label = "parse_ok";
    c.inputs = {r["input"].get<std::string>()};
    c.valid = true;
    for (const json& a : r["expected"]) expect_address(c, a["address"].get<std::string>());
    push(std::move(c));
  }
  for (const json& r : doc["roundtrip_ok"]) {
    PeerCase c;
    c.label = "roundtrip_ok";
    c.inputs = {r["input"].get<std::string>()};
    c.valid = true;
    for (const json& a : r["actual_single"]) expect_address(c, a["address"].get<std::string>());
    push(std::move(c));
  }
  for (const char* section : {"parse_error", "must_fail"}) {
    for (const json& r : doc[section]) {
      PeerCase c;
      c.label = section;
      c.inputs = {r.contains("input_hex") ? from_hex(r["input_hex"].get<std::string>())
                                          : r["input"].get<std::string>()};
      add_domains_from_input(c);
      push(std::move(c));
    }
  }
  for (const json& r : doc["empty_cases"]) {
    PeerCase c;
    c.label = "empty";
    c.inputs = {r["input"].get<std::string>()};
    c.expect_no_mailbox = true;
    push(std::move(c));
  }
  return cases;
}

std::vector<PeerCase> python_cases() {
  std::vector<PeerCase> cases;
  const json doc = load_json("vectors/python_email.json");
  if (!doc.is_object()) return cases;
  const auto push = [&](PeerCase c) {
    c.suite = "python_email";
    c.index = cases.size();
    std::string joined;
    for (const auto& in : c.inputs) joined += (joined.empty() ? "" : " | ") + in;
    c.key = c.label + ":" + dump(json(joined));
    cases.push_back(std::move(c));
  };
  // Only the strict (post CVE-2023-27043) readings are a reference.
  for (const json& r : doc["getaddresses"]) {
    if (!r.value("strict", false)) continue;
    PeerCase c;
    c.label = "getaddresses";
    for (const json& in : r["input"]) c.inputs.push_back(in.get<std::string>());
    bool failed = false;
    for (const json& pair : r["result"]) {
      if (pair[1].get<std::string>().empty()) failed = true;
    }
    // An empty group also yields ('', ''): valid when the input is only groups.
    c.valid = !failed;
    for (const json& pair : r["result"]) {
      const std::string address = pair[1].get<std::string>();
      if (address.empty()) continue;
      expect_address(c, address);
    }
    if (failed) add_domains_from_input(c);
    push(std::move(c));
  }
  for (const json& r : doc["parseaddr"]) {
    if (!r.value("strict", false)) continue;
    PeerCase c;
    c.label = "parseaddr";
    c.inputs = {r["input"].get<std::string>()};
    const std::string address = r["result"][1].get<std::string>();
    c.valid = !address.empty();
    if (c.valid) {
      expect_address(c, address);
    } else {
      add_domains_from_input(c);
    }
    push(std::move(c));
  }
  for (const char* section : {"get_address_list", "headerregistry_address_headers"}) {
    for (const json& r : doc[section]) {
      PeerCase c;
      c.label = section;
      c.inputs = {r["input"].get<std::string>()};
      bool invalid = !r.value("rest", std::string()).empty();
      for (const json& d : r["defects"]) {
        if (d.get<std::string>() != "ObsoleteHeaderDefect") invalid = true;  // obs-* is RFC syntax
      }
      const json& groups = r.contains("addresses") ? r["addresses"] : r["groups"];
      const char* list = r.contains("addresses") ? "mailboxes" : "addresses";
      for (const json& g : groups) {
        for (const json& m : g[list]) {
          const std::string address = m["addr_spec"].get<std::string>();
          if (address == "<>") continue;
          expect_address(c, address);
        }
      }
      c.valid = !invalid;
      push(std::move(c));
    }
  }
  return cases;
}

std::vector<PeerCase> gmime_cases() {
  std::vector<PeerCase> cases;
  const json doc = load_json("vectors/gmime.json");
  if (!doc.is_object()) return cases;
  for (const json& r : doc["cases"]) {
    // addrspec runs twice (strict/loose RFC 2047); the address side is the same.
    if (r["table"] == "addrspec" && r["rfc2047_mode"] != "strict") continue;
    PeerCase c;
    c.suite = "gmime";
    c.index = cases.size();
    c.label = r["table"].get<std::string>() + "[" + std::to_string(r["index"].get<int>()) + "]";
    c.inputs = {r.value("input_valid_utf8", true) ? r["input"].get<std::string>()
                                                  : from_hex(r["input_hex"].get<std::string>())};
    bool valid = r["table"] == "addrspec";
    bool has_group = false;
    for (const json& a : r["actual_parsed"]) {
      if (!a.contains("addr") || a["addr"].is_null()) {
        has_group = true;  // members are not in the record
        continue;
      }
      const std::string address = a["addr"].get<std::string>();
      expect_address(c, address);
    }
    // A group's members are not recorded: only check the domains for those.
    c.valid = valid && !has_group;
    if (has_group) {
      // Members only appear in GMime's own rendering of the list.
      add_domains_from_input(c);
      PeerCase rendered;
      rendered.inputs = {r["expected_display"].get<std::string>()};
      add_domains_from_input(rendered);
      c.allowed_domains.insert(rendered.allowed_domains.begin(), rendered.allowed_domains.end());
    }
    c.key = c.label;
    cases.push_back(std::move(c));
  }
  return cases;
}

class PeerConformance : public ::testing::TestWithParam<PeerCase> {};

void check_peer_case(const PeerCase& c) {
  const Outcome got = run_parser(c.inputs);
  SCOPED_TRACE(c.suite + " " + c.key + " -> " + dump(json(got.addresses)) + " " +
               dump(got.problems));
  const json* deviation = find_deviation(c.suite, c.key);
  if (deviation != nullptr) {
    ASSERT_FALSE((*deviation)["reason"].get<std::string>().empty());
    EXPECT_EQ(json(got.addresses), (*deviation)["addresses"]);
    EXPECT_EQ(got.problems, (*deviation)["problems"]);
    EXPECT_TRUE(json(got.addresses) != json(c.expected) || !got.problems.empty())
        << "stale deviation";
    return;
  }
  if (c.expect_no_mailbox) {
    EXPECT_TRUE(got.addresses.empty());
    return;
  }
  const bool valid =
      c.valid && std::all_of(c.raw_expected.begin(), c.raw_expected.end(), is_rfc_addr_spec);
  if (valid) {
    EXPECT_EQ(got.addresses, c.expected);
    EXPECT_EQ(got.problems, json::array());
    return;
  }
  if (!got.problems.empty()) return;  // reported: fine
  for (const std::string& address : got.addresses) {
    EXPECT_TRUE(c.allowed_domains.count(domain_of(address)) > 0)
        << address << " has a domain the peer does not read";
  }
}

TEST_P(PeerConformance, SameAddressesOrReported) { check_peer_case(GetParam()); }

std::string peer_case_name(const ::testing::TestParamInfo<PeerCase>& info) {
  return info.param.suite + "_" + std::to_string(info.param.index);
}

INSTANTIATE_TEST_SUITE_P(GoNetMail, PeerConformance, ::testing::ValuesIn(go_cases()),
                         peer_case_name);
INSTANTIATE_TEST_SUITE_P(PythonEmail, PeerConformance, ::testing::ValuesIn(python_cases()),
                         peer_case_name);
INSTANTIATE_TEST_SUITE_P(Gmime, PeerConformance, ::testing::ValuesIn(gmime_cases()),
                         peer_case_name);

TEST(PeerConformanceSuite, LoadsEverySuiteAndEveryDeviationIsUsed) {
  std::map<std::string, std::set<std::string>> keys;
  std::size_t total = 0;
  for (const auto& list : {go_cases(), python_cases(), gmime_cases()}) {
    EXPECT_FALSE(list.empty());
    for (const auto& c : list) keys[c.suite].insert(c.key);
    total += list.size();
  }
  EXPECT_GT(total, 200U);
  ASSERT_TRUE(deviations().is_object());
  for (const char* suite : {"go_net_mail", "python_email", "gmime"}) {
    if (!deviations().contains(suite)) continue;
    for (const json& d : deviations()[suite]) {
      EXPECT_EQ(keys[suite].count(d["key"].get<std::string>()), 1U) << suite << " " << d["key"];
    }
  }
}

}  // namespace
}  // namespace bccshield

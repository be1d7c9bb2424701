#include "header_generator.hpp"

#include <array>
#include <random>

namespace bccshield::bench {

std::string make_to_header(std::size_t addresses) {
  static constexpr std::array kDomains = {"gmail.com",         "orange.fr",   "acme.example",
                                          "mail.globex.co.uk", "free.fr",     "bücher.example",
                                          "laposte.net",       "univ-lyon.fr"};
  std::mt19937 rng(42);
  std::string header;
  header.reserve(addresses * 60);
  std::size_t i = 0;
  while (i < addresses) {
    const auto n = std::to_string(i);
    const char* domain = kDomains[rng() % kDomains.size()];
    switch (rng() % 8) {
      case 0:
        header += "\"Dupont, Marie " + n + "\" <marie.dupont" + n + "@" + domain + ">";
        break;
      case 1:
        header += "=?UTF-8?Q?=C3=89lodie_Lef=C3=A8vre_" + n + "?= <elodie" + n + "@" + domain + ">";
        break;
      case 2:
        header += "Jürgen Müller " + n + " <jm" + n + "@" + domain + "> (Vorstand)";
        break;
      case 3:
        header += "contact" + n + "@" + domain + " (Contact " + n + ")";
        break;
      case 4:
        if (i + 3 <= addresses) {
          header += "Team " + n + ": a" + n + "@" + domain + ", b" + n + "@" + domain + ", c" + n +
                    "@" + domain + ";";
          i += 2;
          break;
        }
        [[fallthrough]];
      default:
        header += "Person Number " + n + " <person.number" + n + "@" + domain + ">";
        break;
    }
    ++i;
    if (i < addresses) header += ",\r\n ";
  }
  return header;
}

}  // namespace bccshield::bench

// One call of the engine, or of GMime's parser, on the same generated header: run under
// `valgrind --tool=callgrind --toggle-collect=...` (bench/run.py) to count instructions
// spent in exactly that call, not in start-up or input generation.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bccshield/evaluate.hpp"
#include "header_generator.hpp"

#ifdef BCCSHIELD_WITH_GMIME
#include <gmime/gmime.h>
#endif

extern "C" {
// Named, not inlined: callgrind toggles collection on these.
__attribute__((noinline)) int bccshield_measured_evaluate(const bccshield::Draft* draft) {
  const bccshield::Verdict verdict = bccshield::evaluate(*draft, bccshield::Policy::defaults());
  return static_cast<int>(verdict.decision);
}

#ifdef BCCSHIELD_WITH_GMIME
__attribute__((noinline)) int bccshield_measured_gmime(const char* header) {
  InternetAddressList* list = internet_address_list_parse(nullptr, header);
  const int count = list != nullptr ? internet_address_list_length(list) : 0;
  if (list != nullptr) g_object_unref(list);
  return count;
}
#endif
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bccshield_instructions bccshield|gmime ADDRESSES\n");
    return 2;
  }
  const std::string header =
      bccshield::bench::make_to_header(static_cast<std::size_t>(std::atol(argv[2])));
  if (std::strcmp(argv[1], "bccshield") == 0) {
    bccshield::Draft draft;
    draft.from = "Accueil <accueil@tourisme-vallee.fr>";
    draft.to = {header};
    std::printf("%d\n", bccshield_measured_evaluate(&draft));
    return 0;
  }
#ifdef BCCSHIELD_WITH_GMIME
  if (std::strcmp(argv[1], "gmime") == 0) {
    g_mime_init();
    std::printf("%d\n", bccshield_measured_gmime(header.c_str()));
    return 0;
  }
#endif
  return 2;
}

// One libFuzzer binary per target: BCCSHIELD_FUZZ_ENTRY names the entry function.
#include "fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return bccshield::fuzz::BCCSHIELD_FUZZ_ENTRY(data, size);
}

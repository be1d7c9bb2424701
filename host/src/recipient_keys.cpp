#include <cstring>
#include <iterator>
#include <memory>

#include "bccshield/verdict.hpp"

namespace bccshield {

RecipientKeys RecipientKeys::detached() const {
  const std::vector<std::string_view>* const lists[] = {&to, &cc, &bcc, &original_to, &original_cc};
  std::size_t bytes = from.size();
  for (const auto* list : lists) {
    for (std::string_view key : *list) bytes += key.size();
  }
  RecipientKeys copy;
  copy.owned_.reset(new char[bytes]);  // not zeroed (Emscripten 14 lacks make_unique_for_overwrite)
  char* at = copy.owned_.get();
  auto keep = [&at](std::string_view key) {
    if (!key.empty()) std::memcpy(at, key.data(), key.size());
    const std::string_view kept(at, key.size());
    at += key.size();
    return kept;
  };
  copy.from = keep(from);
  std::vector<std::string_view>* const copies[] = {&copy.to, &copy.cc, &copy.bcc, &copy.original_to,
                                                   &copy.original_cc};
  for (std::size_t i = 0; i < std::size(lists); ++i) {
    copies[i]->reserve(lists[i]->size());
    for (std::string_view key : *lists[i]) copies[i]->push_back(keep(key));
  }
  return copy;
}

}  // namespace bccshield

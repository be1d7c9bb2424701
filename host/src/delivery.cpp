#include "bccshield/delivery.hpp"

namespace bccshield {

Delivery plan_batches(const Rewrite& rewrite, int limit) {
  Delivery delivery;
  delivery.limit = limit;
  const std::size_t total = rewrite.to.size() + rewrite.cc.size() + rewrite.bcc.size();
  if (limit <= 0 || total <= static_cast<std::size_t>(limit)) return delivery;
  const auto cap = static_cast<std::size_t>(limit);
  // The sender `self` put in To stays in To of every message ("you stay in To"), when there
  // is room for at least one other recipient beside them.
  const std::size_t repeated =
      rewrite.strategy == RewriteStrategy::Self && !rewrite.to.empty() && cap >= 2 ? 1 : 0;
  delivery.mode = DeliveryMode::Batches;
  delivery.repeated = static_cast<std::uint32_t>(repeated);
  const std::size_t per_message = cap - repeated;
  delivery.bounds.reserve((total - repeated) / per_message + 2);
  for (std::size_t start = repeated; start < total; start += per_message)
    delivery.bounds.push_back(static_cast<std::uint32_t>(start));
  delivery.bounds.push_back(static_cast<std::uint32_t>(total));
  delivery.messages = delivery.bounds.size() - 1;
  return delivery;
}

Delivery plan_individual(const Rewrite& rewrite) {
  Delivery delivery;
  delivery.mode = DeliveryMode::Individual;
  delivery.repeated = static_cast<std::uint32_t>(rewrite.to.size());  // the sender: not copied
  delivery.messages = rewrite.bcc.size();
  return delivery;
}

}  // namespace bccshield

#pragma once
// Stable numeric error codes of the wire protocol (PROTOCOL.md). Only ever add, never renumber.

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace bccshield {

enum class ErrorCode : int {
  // 1xx framing
  FrameTooLarge = 101,
  FrameTruncated = 102,
  // 2xx request
  InvalidJson = 201,
  NotAnObject = 202,
  UnknownType = 203,
  InvalidField = 204,
  UnsupportedProtocol = 205,
  ReplyTooLarge = 206,
  InternalError = 207,
  // 3xx policy (reported in the reply's policy status)
  PolicyUnreadable = 301,
  PolicyInvalid = 302,
  PolicySignature = 303,
  PolicyRolledBack = 304,  // serial below the highest one an admin installed
  PolicyExpired = 305,     // notAfter has passed
};

const char* error_name(ErrorCode code);

class ProtocolError : public std::runtime_error {
 public:
  ProtocolError(ErrorCode code, const std::string& message,
                nlohmann::json params = nlohmann::json::object())
      : std::runtime_error(message), code_(code), params_(std::move(params)) {}
  [[nodiscard]] ErrorCode code() const { return code_; }
  [[nodiscard]] const nlohmann::json& params() const { return params_; }

 private:
  ErrorCode code_;
  nlohmann::json params_;
};

}  // namespace bccshield

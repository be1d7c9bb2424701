#include "bccshield/protocol_error.hpp"

namespace bccshield {

const char* error_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::FrameTooLarge:
      return "frame-too-large";
    case ErrorCode::FrameTruncated:
      return "frame-truncated";
    case ErrorCode::InvalidJson:
      return "invalid-json";
    case ErrorCode::NotAnObject:
      return "not-an-object";
    case ErrorCode::UnknownType:
      return "unknown-type";
    case ErrorCode::InvalidField:
      return "invalid-field";
    case ErrorCode::UnsupportedProtocol:
      return "unsupported-protocol";
    case ErrorCode::ReplyTooLarge:
      return "reply-too-large";
    case ErrorCode::InternalError:
      return "internal-error";
    case ErrorCode::PolicyUnreadable:
      return "policy-unreadable";
    case ErrorCode::PolicyInvalid:
      return "policy-invalid";
    case ErrorCode::PolicySignature:
      return "policy-signature";
    case ErrorCode::PolicyRolledBack:
      return "policy-rolled-back";
    case ErrorCode::PolicyExpired:
      return "policy-expired";
  }
  return "internal-error";
}

}  // namespace bccshield

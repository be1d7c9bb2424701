#include <iostream>

#include "bccshield/protocol_error.hpp"
#include "commands.hpp"
#include "framing.hpp"
#include "host_config.hpp"
#include "host_context.hpp"
#include "platform.hpp"

namespace bccshield {

int run_serve(const std::optional<std::string>& manifest) {
  platform::use_binary_stdio();
  platform::enlarge_stdin_pipe();  // first: Thunderbird may already be writing
  std::ios::sync_with_stdio(false);
  // Before anything reads the environment: Thunderbird passes the user's whole environment.
  const bool overridden = settle_environment_overrides();
  HostRuntime runtime =
      make_host_runtime(std::nullopt, true, serve_host_identity(manifest, overridden));
  for (;;) {
    FrameResult frame = read_stdin_frame();
    switch (frame.status) {
      case FrameStatus::EndOfInput:
        return exit_ok;  // Thunderbird closed stdin: a normal end for both messaging modes
      case FrameStatus::TooLarge:
        write_frame(std::cout,
                    error_reply(runtime.context, static_cast<int>(ErrorCode::FrameTooLarge),
                                "the message is larger than the host accepts",
                                {{"length", frame.declared_length}, {"limit", max_request_bytes}}));
        print_error("refused a frame of " + std::to_string(frame.declared_length) + " bytes");
        return exit_flagged;  // the rest of the stream cannot be trusted
      case FrameStatus::Truncated:
        write_frame(
            std::cout,
            error_reply(runtime.context, static_cast<int>(ErrorCode::FrameTruncated),
                        "the input ended inside a message",
                        {{"expected", frame.declared_length}, {"received", frame.received}}));
        print_error("input ended inside a frame");
        return exit_flagged;
      case FrameStatus::Ok:
        break;
    }
    AfterReply after_reply;
    const bool written = write_frame(
        std::cout, handle_message(PaddedBody(frame.buffer), runtime.context, after_reply));
    if (!written) print_error("cannot write to stdout");
    // The reply is on its way (or cannot go): now the audit record and line, which the user
    // does not wait for — the check was made, so it is recorded either way —, then the request
    // and verdict are let go. A failed record is reported, never thrown past the reply.
    if (const std::optional<std::string> failure = run_after_reply(after_reply)) {
      print_error(*failure);
    }
    if (runtime.audit_log) runtime.audit_log->flush();
    if (!written) return exit_flagged;
  }
}

}  // namespace bccshield

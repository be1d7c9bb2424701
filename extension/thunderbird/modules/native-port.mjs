// A long-lived connection to the native host (runtime.connectNative): the host process
// starts once, when a compose window opens, instead of once per check, which takes the
// process start out of the time between Send and the decision. Replies are matched to
// requests by `id` (PROTOCOL.md echoes it). If the host goes away, every pending request
// fails (the caller then applies onHostError) and the next request connects again.

/**
 * @param {object} options
 * @param {(name: string) => object} options.connectNative runtime.connectNative
 * @returns {{send: (name: string, message: object) => Promise<object>, warm: (name: string) => void,
 *            close: () => void, closeWhenIdle: () => void, isOpen: () => boolean}}
 */
export function createPortTransport({ connectNative }) {
  let port = null;
  let closeWhenDone = false;
  const pending = new Map();

  function failAll(error) {
    for (const entry of pending.values()) {
      entry.reject(error);
    }
    pending.clear();
  }

  function closeNow() {
    closeWhenDone = false;
    if (!port) {
      return;
    }
    const current = port;
    port = null;
    try {
      current.disconnect();
    } catch {
      // already gone
    }
    failAll(new Error("connection closed"));
  }

  function open(name) {
    if (port) {
      return port;
    }
    const current = connectNative(name);
    current.onMessage.addListener((reply) => {
      const entry = pending.get(reply?.id);
      if (entry) {
        pending.delete(reply.id);
        entry.resolve(reply);
      }
      if (closeWhenDone && pending.size === 0) {
        closeNow();
      }
    });
    current.onDisconnect.addListener((disconnected) => {
      if (port === current) {
        port = null;
      }
      const reason = disconnected?.error?.message ?? current.error?.message ?? "the host closed the connection";
      failAll(new Error(reason));
    });
    port = current;
    return current;
  }

  return {
    send(name, message) {
      return new Promise((resolve, reject) => {
        if (message?.id === undefined || pending.has(message.id)) {
          reject(new Error("request id missing or in use"));
          return;
        }
        pending.set(message.id, { resolve, reject });
        closeWhenDone = false;
        try {
          open(name).postMessage(message);
        } catch (error) {
          pending.delete(message.id);
          if (port) {
            try {
              port.disconnect();
            } catch {
              // already gone
            }
            port = null;
          }
          reject(error);
        }
      });
    },
    /** Start the host ahead of need (a compose window opened). */
    warm(name) {
      try {
        open(name);
      } catch {
        // The next send reports the failure.
      }
    },
    /** Stop the host now (after a failure). Pending requests fail. */
    close: closeNow,
    /** Stop the host once the requests in flight are answered (no compose window left). */
    closeWhenIdle() {
      if (pending.size === 0) {
        closeNow();
      } else {
        closeWhenDone = true;
      }
    },
    isOpen: () => port !== null,
  };
}

// A long-lived connection to the native host (runtime.connectNative): the host process
// starts once, when a compose window opens, instead of once per check, which takes the
// process start out of the time between Send and the decision. Replies are matched to
// requests by `id` (PROTOCOL.md echoes it). Several compose windows share the connection,
// so each request fails or succeeds on its own:
// - the host going away (disconnect) fails the requests sent on that connection only;
// - a request the caller gave up on (timeout) is forgotten, the others keep waiting;
// - after one request's host error the connection is retired: new requests go to a new host
//   process, and the old one is closed once the requests still in flight on it are answered.

/**
 * @param {object} options
 * @param {(name: string) => object} options.connectNative runtime.connectNative
 * @returns {{send: (name: string, message: object) => Promise<object>, warm: (name: string) => void,
 *            forget: (id: unknown) => void, retire: () => void,
 *            close: () => void, closeWhenIdle: () => void, isOpen: () => boolean}}
 */
export function createPortTransport({ connectNative }) {
  /** The connection new requests use: {port, pending: Map<id, {resolve, reject}>, retired}. */
  let current = null;
  /** Every open connection (the current one and retired ones still answering). */
  const connections = new Set();
  let closeWhenDone = false;

  function disconnect(connection, error) {
    connections.delete(connection);
    if (current === connection) {
      current = null;
    }
    try {
      connection.port.disconnect();
    } catch {
      // already gone
    }
    for (const entry of connection.pending.values()) {
      entry.reject(error);
    }
    connection.pending.clear();
  }

  /** A retired (or closing) connection with nothing in flight is closed. */
  function closeIfDone(connection) {
    if (connection.pending.size > 0) {
      return;
    }
    if (connection.retired || (connection === current && closeWhenDone)) {
      closeWhenDone = connection === current ? false : closeWhenDone;
      disconnect(connection, new Error("connection closed"));
    }
  }

  function open(name) {
    if (current) {
      return current;
    }
    const port = connectNative(name);
    const connection = { port, pending: new Map(), retired: false };
    port.onMessage.addListener((reply) => {
      const entry = connection.pending.get(reply?.id);
      if (entry) {
        connection.pending.delete(reply.id);
        entry.resolve(reply);
      }
      closeIfDone(connection);
    });
    port.onDisconnect.addListener((disconnected) => {
      const reason = disconnected?.error?.message ?? port.error?.message ?? "the host closed the connection";
      connections.delete(connection);
      if (current === connection) {
        current = null;
      }
      for (const entry of connection.pending.values()) {
        entry.reject(new Error(reason));
      }
      connection.pending.clear();
    });
    connections.add(connection);
    current = connection;
    return connection;
  }

  function inFlight(id) {
    for (const connection of connections) {
      if (connection.pending.has(id)) {
        return connection;
      }
    }
    return null;
  }

  function closeAll() {
    closeWhenDone = false;
    for (const connection of [...connections]) {
      disconnect(connection, new Error("connection closed"));
    }
  }

  return {
    send(name, message) {
      return new Promise((resolve, reject) => {
        if (message?.id === undefined || inFlight(message.id)) {
          reject(new Error("request id missing or in use"));
          return;
        }
        closeWhenDone = false;
        let connection;
        try {
          connection = open(name);
          connection.pending.set(message.id, { resolve, reject });
          connection.port.postMessage(message);
        } catch (error) {
          if (connection) {
            connection.pending.delete(message.id);
            // This port cannot take messages: no new request goes to it.
            connection.retired = true;
            if (current === connection) {
              current = null;
            }
            closeIfDone(connection);
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
    /** Stop waiting for request `id` (its caller gave up); other requests are unaffected. */
    forget(id) {
      const connection = inFlight(id);
      if (connection) {
        connection.pending.delete(id);
        closeIfDone(connection);
      }
    },
    /** After a host error: new requests start a new host; the old one ends when idle. */
    retire() {
      if (!current) {
        return;
      }
      const connection = current;
      connection.retired = true;
      current = null;
      closeIfDone(connection);
    },
    /** Stop every host now. Pending requests fail. */
    close: closeAll,
    /** Stop the host once the requests in flight are answered (no compose window left). */
    closeWhenIdle() {
      for (const connection of connections) {
        if (connection !== current) {
          closeIfDone(connection);
        }
      }
      if (!current) {
        return;
      }
      closeWhenDone = true;
      closeIfDone(current);
    },
    isOpen: () => current !== null,
  };
}

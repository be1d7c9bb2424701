// Maps Thunderbird's compose details to the `draft` of a PROTOCOL.md `check` request.

const DRAFT_TYPES = new Set(["new", "reply", "forward", "draft", "template", "redirect"]);

/** Compose types whose `relatedMessageId` names a message whose recipients matter. */
export function isReplyType(type) {
  return type === "reply";
}

function stringList(value) {
  if (value === undefined || value === null) {
    return [];
  }
  const list = Array.isArray(value) ? value : [value];
  return list.filter((entry) => typeof entry === "string" && entry.trim() !== "");
}

/**
 * @param {object} details compose details from onBeforeSend (to/cc/bcc already expanded)
 * @param {{to?: string[], cc?: string[], from?: string}|null} original for a reply
 * @returns {object} the `draft` object of a check request
 */
export function mapDraft(details, original = null) {
  const type = DRAFT_TYPES.has(details?.type) ? details.type : "new";
  const draft = {
    from: typeof details?.from === "string" ? details.from : "",
    to: stringList(details?.to),
    cc: stringList(details?.cc),
    bcc: stringList(details?.bcc),
    type,
  };
  if (original && isReplyType(type)) {
    draft.original = {
      from: typeof original.from === "string" ? original.from : "",
      to: stringList(original.to),
      cc: stringList(original.cc),
    };
  }
  return draft;
}

/** The original message's headers as `messages.get()` gives them (MessageHeader). */
export function originalFromMessageHeader(header) {
  if (!header) {
    return null;
  }
  return {
    from: header.author ?? "",
    to: stringList(header.recipients),
    cc: stringList(header.ccList),
  };
}

/** The most SQS takes in one message: its body and attributes, in UTF-8 bytes (these messages have no attributes). */
export const SQS_MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * A message as the JSON body SQS accepts: the SQS adapter sends it, and the webhook measures its message by it. SQS
 * refuses any character outside #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD (some servers also refuse #x10000 and
 * above, which AWS allows), and a Stripe event carries what its customers typed: emoji, or a noncharacter like
 * U+FFFF. Such characters can only sit inside JSON strings, so they are written as \uXXXX escapes there (an emoji's
 * 4 bytes become 12); JSON.parse gives back exactly the same string.
 */
const NOT_SQS_SAFE = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd]/gu;

const escapeUnits = (character: string): string =>
  Array.from(
    { length: character.length },
    (_, index) => `\\u${character.charCodeAt(index).toString(16).padStart(4, '0')}`,
  ).join('');

export const sqsMessageBody = (message: unknown): string => JSON.stringify(message).replace(NOT_SQS_SAFE, escapeUnits);

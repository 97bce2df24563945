/**
 * DynamoDB's size of an item (attribute names plus values), for the write units of a failed conditional write,
 * which DynamoDB bills but does not report. Takes items in either form: marshalled (`{ S: 'x' }`) or plain.
 */
const ATTRIBUTE_VALUE_KEYS = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS']);

export function itemSizeBytes(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSize(value);
  return size;
}

function valueSize(value: unknown): number {
  if (isAttributeValue(value)) return attributeValueSize(value);
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(String(value));
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, member) => sum + valueSize(member), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, member) => sum + 1 + valueSize(member), 0);
  if (typeof value === 'object') return 3 + itemSizeBytes(value as Record<string, unknown>) + Object.keys(value).length;
  return 1;
}

function attributeValueSize(value: Record<string, unknown>): number {
  const [[type, inner]] = Object.entries(value) as [[string, unknown]];
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(inner));
    case 'N':
      return numberSize(String(inner));
    case 'B':
      return inner instanceof Uint8Array ? inner.byteLength : Buffer.byteLength(String(inner), 'base64');
    case 'M':
      return valueSize(inner);
    case 'L':
      return valueSize(inner);
    case 'SS':
    case 'NS':
    case 'BS':
      return (inner as unknown[]).reduce((sum: number, member) => sum + valueSize(member), 0);
    default:
      return 1;
  }
}

/** Numbers: about one byte per two significant digits, plus one. */
const numberSize = (digits: string): number => Math.ceil(digits.replace(/[^0-9]/g, '').length / 2) + 1;

function isAttributeValue(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && ATTRIBUTE_VALUE_KEYS.has(keys[0] as string);
}

// JSON text kept as it was stored (a finished job's result, written by the job manager with JSON.stringify), so
// that a JSON answer copies it as it is instead of parsing it only to write the same text again: a listAsyncJobs
// page of 500 jobs carries about 650 KB of stored results, two thirds of its body. Everything else that reads the
// value (the XML answer, JSON.stringify anywhere else, an in-process caller) gets the parsed value instead.
import { randomBytes } from 'node:crypto';

/**
 * Stands in for the stored text while an item is stringified by `stringifyPieces`. Random per process, so no
 * value a user stored can be mistaken for it (a string is written as `"..."` with this text between the quotes).
 */
const MARK = `stored-json-${randomBytes(12).toString('hex')}`;
const QUOTED_MARK = JSON.stringify(MARK);

/** The texts met by the stringify in progress (stringifyPieces), in the order their marks were written. */
let met: string[] | null = null;

export class JsonText {
  /** `unreadable`: the value given for a text that does not parse. */
  constructor(readonly text: string, private readonly unreadable: unknown) {}

  /** The parsed value. */
  value(): unknown {
    try {
      return JSON.parse(this.text);
    } catch {
      return this.unreadable;
    }
  }

  /** Inside stringifyPieces: the mark (the text goes in its place); anywhere else the parsed value. */
  toJSON(): unknown {
    if (met === null || !looksWhole(this.text)) return this.value();
    met.push(this.text);
    return MARK;
  }
}

/**
 * Whether the text can go into an answer as it is: what JSON.stringify wrote of an object (every job result is
 * one). A cheap check, not a parse: it keeps out an empty, truncated or otherwise foreign text, which is parsed
 * (and answered as `unreadable` when it does not parse).
 */
export const looksWhole = (text: string) => text.length > 1 && text.charCodeAt(0) === 0x7b && text.charCodeAt(text.length - 1) === 0x7d;

/**
 * JSON.stringify(value) as pieces appended to `into`, each JsonText inside it written as its stored text (a piece
 * of its own: the pieces are copied into the answer one by one, never concatenated). Byte for byte what
 * JSON.stringify gives with the texts parsed, as long as each text is what JSON.stringify wrote.
 */
export function stringifyPieces(value: object, into: string[]): void {
  met = [];
  let text: string;
  let texts: string[];
  try {
    text = JSON.stringify(value);
  } finally {
    texts = met;
    met = null;
  }
  if (texts.length === 0) { into.push(text); return; }
  let from = 0;
  for (const stored of texts) {
    const at = text.indexOf(QUOTED_MARK, from);
    into.push(text.slice(from, at), stored);
    from = at + QUOTED_MARK.length;
  }
  into.push(text.slice(from));
}

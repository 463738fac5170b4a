// The hash chain of a Leitai log, checked in the browser exactly as docs/log-format.md
// says: canonical bytes = the envelope without "hash", members sorted at every depth,
// compact; hash = SHA-256(prev's 32 bytes ‖ canonical bytes), lowercase hex.

const ZERO = "0".repeat(64);
const HEX = /^[0-9a-f]{64}$/;
const MEMBERS = ["actor", "at", "data", "hash", "prev", "seq", "stream", "type", "v"];
const encoder = new TextEncoder();

/** The canonical JSON text of `value` (RFC 8785 for logs without floats). */
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    // member names are ASCII in a Leitai log: UTF-16 order is code point order
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  // JSON.stringify escapes exactly ", \ and U+0000–U+001F (\b \t \n \f \r, else \u00xx)
  return JSON.stringify(value);
}

function hexBytes(hex) {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i += 1) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function hexOf(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** hash = lowercase_hex(SHA-256(prev_bytes ‖ canonical bytes of the envelope without hash)). */
export async function envelopeHash(envelope) {
  const { hash: _omitted, ...rest } = envelope;
  const body = encoder.encode(canonical(rest));
  const input = new Uint8Array(32 + body.length);
  input.set(hexBytes(envelope.prev), 0);
  input.set(body, 32);
  return hexOf(await crypto.subtle.digest("SHA-256", input));
}

/**
 * Reads a log line by line and stops at the first break.
 *
 * `problem` is null while the chain holds, else {key, params, seq}: an i18n message
 * and the first bad seq. `head` is the last good {seq, hash}.
 */
export class ChainVerifier {
  constructor(stream = null) {
    this.stream = stream;
    this.expectedSeq = 1;
    this.expectedPrev = ZERO;
    this.head = { seq: 0, hash: ZERO };
    this.problem = null;
    this.lines = 0;
  }

  fail(key, params) {
    this.problem = { key, params, seq: params.seq };
    return null;
  }

  /** Check one NDJSON line; the envelope when it holds, null (and `problem`) when not. */
  async push(line) {
    if (this.problem) return null;
    this.lines += 1;
    const seq = this.expectedSeq;
    let envelope;
    try {
      envelope = JSON.parse(line);
    } catch {
      return this.fail("verify.not_json", { seq, line: this.lines });
    }
    if (envelope === null || typeof envelope !== "object" || Array.isArray(envelope)) {
      return this.fail("verify.not_json", { seq, line: this.lines });
    }
    const members = Object.keys(envelope).sort().join(",");
    if (members !== MEMBERS.join(",")) return this.fail("verify.members", { seq, line: this.lines });
    if (envelope.seq !== seq) return this.fail("verify.seq", { seq, found: String(envelope.seq) });
    this.stream ??= envelope.stream;
    if (envelope.stream !== this.stream) return this.fail("verify.stream", { seq, stream: envelope.stream });
    if (envelope.prev !== this.expectedPrev) return this.fail("verify.prev", { seq, before: seq - 1 });
    if (typeof envelope.hash !== "string" || !HEX.test(envelope.hash)) return this.fail("verify.hash", { seq });
    if ((await envelopeHash(envelope)) !== envelope.hash) return this.fail("verify.hash", { seq });
    // an export is written in canonical order with its hash: anything else is not ours
    if (canonical(envelope) !== line) return this.fail("verify.canonical", { seq });
    this.expectedSeq = seq + 1;
    this.expectedPrev = envelope.hash;
    this.head = { seq, hash: envelope.hash };
    return envelope;
  }
}

/** The lines of a streamed body (NDJSON), as they arrive. */
export async function* lines(stream) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let rest = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += value;
    const parts = rest.split("\n");
    rest = parts.pop();
    for (const part of parts) if (part) yield part;
  }
  if (rest) yield rest;
}

// A judge's receipts proved in the browser (docs/log-format.md, "The Merkle tree",
// "Signed checkpoints", "Checking checkpoints and receipts").
//
// For each kept receipt (seq, event hash) the page fetches the latest signed
// checkpoint (GET …/checkpoint.json: "none yet" is a 200, not an error), the
// inclusion proof of seq at that checkpoint's size and the server's public key,
// then checks here, with SubtleCrypto only:
//   1. the key's id is SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4];
//   2. the checkpoint's Ed25519 signature over its three body lines verifies;
//   3. leaf = SHA-256(0x00 ‖ hash) climbs the proof (RFC 9162 §2.1.3.2) to the root.
// The bundle (receipt + proof + checkpoint + key) can be saved as a JSON file that
// `leitai verify-receipt --receipt F --proof F --public-key KEY` accepts.
import { ApiError } from "./api.js";
import { currentLanguage, t } from "./i18n.js";
import { data, fill, h, tdata } from "./ui.js";

const HEX = /^[0-9a-f]{64}$/;
const RETRY_MS = [500, 1000, 2000, 4000, 8000, 15000];
const encoder = new TextEncoder();

// --- bytes ---------------------------------------------------------------------------

const fromHex = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function sha256(...parts) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", concat(...parts)));
}

const leafHash = (eventHash) => sha256(Uint8Array.of(0), fromHex(eventHash));
const nodeHash = (left, right) => sha256(Uint8Array.of(1), left, right);

/** The root an inclusion proof leads to from `leaf` at `index` of a tree of `size`, or null. */
export async function rootFromProof(index, size, leaf, proof) {
  if (!(index >= 0 && index < size)) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

// --- the check -----------------------------------------------------------------------

class Failure extends Error {
  constructor(key, params = {}) {
    super(key);
    this.key = key;
    this.params = params;
  }
}

/** {name, id, raw} of `name+keyid+base64(0x01 ‖ key)`; throws Failure. */
async function parseKey(text) {
  // base64 has "+" in its alphabet: only the first two "+" separate
  const [name, id, ...rest] = String(text).trim().split("+");
  const encoded = rest.join("+");
  let raw = null;
  try {
    raw = fromBase64(encoded ?? "");
  } catch {
    raw = null;
  }
  if (!name || !raw || raw.length !== 33 || raw[0] !== 1) throw new Failure("receipt.fail_key");
  const computed = (await sha256(encoder.encode(`${name}\n`), raw)).slice(0, 4);
  if (toHex(computed) !== id) throw new Failure("receipt.fail_key");
  return { name, id: computed, raw: raw.slice(1), text: String(text).trim() };
}

/** {stream, size, root} of a checkpoint whose signature by `key` verifies; throws Failure. */
async function openCheckpoint(note, key) {
  const cut = note.indexOf("\n\n");
  const body = cut < 0 ? "" : note.slice(0, cut + 1);
  const lines = body.split("\n");
  let root = null;
  try {
    root = fromBase64(lines[2] ?? "");
  } catch {
    root = null;
  }
  if (lines.length !== 4 || !lines[0].startsWith("leitai/") || !/^[1-9][0-9]*$/.test(lines[1]) || root?.length !== 32) {
    throw new Failure("receipt.fail_checkpoint");
  }
  const checkpoint = { stream: lines[0].slice("leitai/".length), size: Number(lines[1]), root };
  for (const line of note.slice(cut + 2).split("\n")) {
    if (!line.startsWith("\u2014 ")) continue;
    const [signer, encoded] = line.slice(2).split(" ");
    let raw = null;
    try {
      raw = fromBase64(encoded ?? "");
    } catch {
      continue;
    }
    if (signer !== key.name || raw.length !== 68 || !equal(raw.slice(0, 4), key.id)) continue;
    let publicKey;
    try {
      publicKey = await crypto.subtle.importKey("raw", key.raw, { name: "Ed25519" }, false, ["verify"]);
    } catch {
      throw new Failure("receipt.fail_unsupported");
    }
    if (await crypto.subtle.verify({ name: "Ed25519" }, publicKey, raw.slice(4), encoder.encode(body))) return checkpoint;
    throw new Failure("receipt.fail_signature", { key: key.text });
  }
  throw new Failure("receipt.fail_unsigned", { key: key.text });
}

/**
 * Check a bundle {seq, hash, stream, size, proof, checkpoint, public_key}.
 * Answers {ok: true, size, stream} or {ok: false, key, params}: an i18n message
 * saying what failed and where.
 */
export async function verifyBundle(bundle) {
  try {
    if (!globalThis.crypto?.subtle) throw new Failure("receipt.fail_insecure");
    const key = await parseKey(bundle.public_key);
    const checkpoint = await openCheckpoint(bundle.checkpoint ?? "", key);
    const { seq, size } = bundle;
    if (bundle.size !== checkpoint.size || bundle.stream !== checkpoint.stream) {
      throw new Failure("receipt.fail_proof_for", { size: bundle.size, checkpoint: checkpoint.size });
    }
    if (seq > checkpoint.size) throw new Failure("receipt.fail_after", { seq, size });
    if (!Array.isArray(bundle.proof) || !bundle.proof.every((x) => HEX.test(x)) || !HEX.test(bundle.hash)) {
      throw new Failure("receipt.fail_malformed", { seq });
    }
    if (bundle.served_hash && bundle.served_hash !== bundle.hash) {
      throw new Failure("receipt.fail_other_hash", { seq, hash: bundle.served_hash.slice(0, 12) });
    }
    const root = await rootFromProof(seq - 1, size, await leafHash(bundle.hash), bundle.proof.map(fromHex));
    if (!root || !equal(root, checkpoint.root)) throw new Failure("receipt.fail_root", { seq, size });
    return { ok: true, size: checkpoint.size, stream: checkpoint.stream };
  } catch (error) {
    if (error instanceof Failure) return { ok: false, key: error.key, params: error.params };
    return { ok: false, key: "receipt.fail_error", params: { message: String(error?.message ?? error) } };
  }
}

// --- fetching and showing --------------------------------------------------------------

async function get(path, token) {
  let response;
  try {
    response = await fetch(path, {
      headers: { "Accept-Language": currentLanguage(), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "offline", t("error.offline"));
  }
  if (!response.ok) {
    let error = {};
    try {
      error = (await response.json())?.error ?? {};
    } catch {
      error = {};
    }
    throw new ApiError(response.status, error.code ?? "http_error", error.message ?? t("error.http", { status: response.status }));
  }
  return response.json();
}

/** The proofs of a judge's receipts, in the section `el`, kept under `storageKey`. */
export class ReceiptProofs {
  constructor({ cid, token, el, storageKey }) {
    this.base = `/api/competitions/${encodeURIComponent(cid)}`;
    this.cid = cid;
    this.token = token;
    this.el = el;
    this.storageKey = storageKey;
    this.receipts = [];
    this.results = this.load(); // seq -> {bundle?, result?, waiting?}
    this.running = false;
    this.again = false;
    this.attempt = 0;
    this.timer = null;
    this.rechecked = false;
    this.seen = null;
    this.ready = Promise.resolve();
    // The key the page first saw is pinned: receipts are checked against it
    // alone, and a server that later presents another key is said to, plainly.
    this.pinKey = `${storageKey}.public-key`;
    this.pinned = this.loadPin();
    this.keyChanged = null;
  }

  loadPin() {
    let pinned = null;
    try {
      pinned = localStorage.getItem(this.pinKey);
    } catch { /* private: pinned for this visit only */ }
    const kept = Object.values(this.results).map((entry) => entry.bundle?.public_key).find(Boolean);
    return pinned ?? kept ?? null;
  }

  pin(publicKey) {
    this.pinned = publicKey;
    try {
      localStorage.setItem(this.pinKey, publicKey);
    } catch { /* full or private: pinned for this visit only */ }
  }

  load() {
    try {
      return JSON.parse(localStorage.getItem(this.storageKey)) ?? {};
    } catch {
      return {};
    }
  }

  save() {
    const kept = {};
    for (const [seq, entry] of Object.entries(this.results)) if (entry.bundle) kept[seq] = { bundle: entry.bundle };
    try {
      localStorage.setItem(this.storageKey, JSON.stringify(kept));
    } catch { /* full or private: shown, not kept */ }
  }

  /** The receipts kept by the page: [{seq, hash, name}]; redraw and check what is new. */
  update(receipts) {
    this.receipts = receipts.filter((r) => Number.isInteger(r.seq) && HEX.test(r.hash ?? "")).sort((a, b) => a.seq - b.seq);
    if (!this.rechecked) {
      // bundles kept from before a reload are checked again here, without the network
      this.rechecked = true;
      this.ready = Promise.all(
        Object.entries(this.results).map(async ([seq, entry]) => {
          this.results[seq] = { ...entry, result: await verifyBundle(entry.bundle) };
        }),
      ).then(() => this.render());
    }
    this.render();
    const seen = this.receipts.map((r) => `${r.seq}:${r.hash}`).join(",");
    if (seen !== this.seen) {
      this.seen = seen;
      if (this.pending().length) this.poke();
    }
  }

  pending() {
    return this.receipts.filter((r) => !this.results[r.seq]?.result?.ok);
  }

  /** Something happened (a reveal may have been signed): check the pending receipts now. */
  poke() {
    if (!this.pending().length) return;
    this.attempt = 0;
    clearTimeout(this.timer);
    this.check();
  }

  async check() {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    let waiting = false;
    try {
      waiting = await this.checkOnce();
    } finally {
      this.running = false;
      this.render();
    }
    if (this.again) {
      this.again = false;
      this.check();
    } else if (waiting && this.attempt < RETRY_MS.length) {
      // the checkpoint is signed just after the reveal is published: look again shortly
      this.timer = setTimeout(() => this.check(), RETRY_MS[this.attempt]);
      this.attempt += 1;
    }
  }

  /** One round; true when some receipt still waits for a (later) checkpoint. */
  async checkOnce() {
    await this.ready;
    const pending = this.pending();
    if (!pending.length) return false;
    let note;
    try {
      // checkpoint.json, not checkpoint: before the first reveal it answers "none yet"
      // (200) where the note's 404 would be logged as an error at every sheet
      note = (await get(`${this.base}/checkpoint.json`)).checkpoint;
    } catch (error) {
      for (const r of pending) this.results[r.seq] = { ...this.results[r.seq], waiting: error.message };
      return true;
    }
    if (!note) {
      for (const r of pending) this.results[r.seq] = { ...this.results[r.seq], waiting: null };
      return true;
    }
    const size = Number(note.split("\n")[1]);
    let publicKey;
    try {
      publicKey = (await get("/api/public-key")).key;
    } catch (error) {
      for (const r of pending) this.results[r.seq] = { ...this.results[r.seq], waiting: error.message };
      return true;
    }
    if (!this.pinned) this.pin(publicKey);
    this.keyChanged = publicKey === this.pinned ? null : publicKey;
    const checkWith = this.pinned;
    let waiting = false;
    for (const receipt of pending) {
      const before = this.results[receipt.seq];
      if (!(receipt.seq <= size)) {
        this.results[receipt.seq] = { ...before, waiting: null };
        waiting = true;
        continue;
      }
      if (before?.bundle?.size === size && before?.bundle?.hash === receipt.hash && before?.bundle?.public_key === checkWith && before.result) continue; // failed at this size
      let proof;
      try {
        proof = await get(`${this.base}/proof/inclusion?seq=${receipt.seq}&size=${size}`, this.token);
      } catch (error) {
        this.results[receipt.seq] = { ...before, waiting: error.message };
        waiting = true;
        continue;
      }
      const bundle = {
        seq: receipt.seq,
        hash: receipt.hash,
        stream: proof.stream,
        size: proof.size,
        proof: proof.proof,
        checkpoint: note,
        public_key: checkWith,
        ...(this.keyChanged ? { served_public_key: this.keyChanged } : {}),
        served_hash: proof.hash,
        competition: this.cid,
        contestant: receipt.contestant,
        verify_with: `leitai verify-receipt --receipt FILE --proof FILE --public-key '${checkWith}'`,
      };
      this.results[receipt.seq] = { bundle, result: await verifyBundle(bundle) };
    }
    this.save();
    return waiting;
  }

  download(bundle) {
    const blob = new Blob([`${JSON.stringify(bundle, null, 2)}\n`], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const a = h("a", { href: url, download: `leitai-receipt-${this.cid}-${bundle.seq}.json` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }

  row(receipt) {
    const entry = this.results[receipt.seq] ?? {};
    const result = entry.result;
    const head = h("div", { class: "proof-head" }, data("strong", receipt.name ?? ""), h("code", { translate: "no" }, ` #${receipt.seq}`));
    let status;
    let cls;
    if (result?.ok) {
      cls = "ok";
      status = [
        h("p", { class: "proof-status", "data-testid": "proof-status" }, t("receipt.verified")),
        h("p", { class: "muted", "data-testid": "proof-size" }, t("receipt.at_size", { size: result.size })),
      ];
    } else if (result) {
      cls = "bad";
      status = [
        h("p", { class: "proof-status", "data-testid": "proof-status" }, t("receipt.failed")),
        h("p", { class: "proof-reason", "data-testid": "proof-reason" }, tdata(result.key, result.params)),
      ];
    } else {
      cls = "wait";
      status = [h("p", { class: "proof-status", "data-testid": "proof-status" }, entry.waiting ? t("receipt.retrying", { message: entry.waiting }) : t("receipt.waiting"))];
    }
    const save = entry.bundle
      ? h("button", { type: "button", class: "secondary", "data-testid": "proof-save", onclick: () => this.download(entry.bundle) }, t("receipt.save"))
      : null;
    return h("li", { class: `proof ${cls}`, "data-testid": "proof", "data-seq": receipt.seq }, head, ...status, save);
  }

  render() {
    if (!this.receipts.length) {
      this.el.classList.add("hidden");
      return;
    }
    // the page redraws at every event: keep these nodes (and a button being tapped) unless they change
    const shown = JSON.stringify([currentLanguage(), this.keyChanged, this.receipts.map((r) => [r.seq, r.name, this.results[r.seq]])]);
    if (shown === this.shown) return;
    this.shown = shown;
    const short = (key) => key.split("+").slice(0, 2).join("+");
    const warning = this.keyChanged
      ? h("p", { class: "proof-reason key-changed", role: "alert", "data-testid": "key-changed" },
        h("strong", {}, tdata("receipt.key_changed", { pinned: short(this.pinned), served: short(this.keyChanged) })))
      : null;
    fill(this.el,
      h("h2", {}, t("receipt.title")),
      warning,
      h("ul", { class: "proofs" }, this.receipts.map((r) => this.row(r))),
      h("p", { class: "muted small" }, t("receipt.how")),
    );
    this.el.classList.remove("hidden");
  }
}

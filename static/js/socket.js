// One reconnecting WebSocket per page, carrying any number of views.
//
// Protocol (server/ws.py): we send {"type":"subscribe","view","since","token",
// "patches":true,"basis"}; the server sends {"type":"view","view","seq","basis",
// "data"} (whole views) and {"type":"patch","view","seq","base","ops"} (the
// changes since the view at base, the last one it sent us; a patch that does not
// fit what we hold makes us subscribe again), and {"type":"current","view","seq"}
// when we subscribe again holding the view at since, under the same basis (the
// same log and server code), and it has not changed: a reconnection after a
// Wi-Fi drop costs a few bytes, not the whole board,
// {"type":"heartbeat","seq"} every 5 s, {"type":"error","error":{code,message}}.
// After a drop we reconnect with backoff and subscribe again with our last seq.
// Three missed heartbeats mark the page stale and force a reconnect.
// A heartbeat with "writable": false (the server's log refuses appends: disk
// full, database down) turns "live" into "unsaved" until one says true again.
// A close with code 4404 (no such competition on this server) is final: the
// socket stops and calls onMissing.
// The browser's "offline" event drops the socket at once (stale, not live for the
// 15 s the heartbeats would take to tell); "online" reconnects at once. A page
// opened without network (the judge's, from its service worker) has been live
// for nothing yet: it is "offline", not "connecting" to a network it lacks.

const HEARTBEAT_MS = 5000;
const MISSED_BEATS = 3;
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 10000];
// The views that are folds of the log (the others, presence and judge, only
// come over the socket).
const FOLDS = new Set(["board", "board_full", "progress", "setup", "audit"]);

import { applyPatch } from "./patch.js";

export class LiveSocket {
  /**
   * @param {string} cid competition id
   * @param {{onStatus?: (s: "connecting"|"offline"|"live"|"unsaved"|"stale", since: Date|null) => void,
   *          onError?: (e: {code: string, message: string}) => void,
   *          onMissing?: () => void}} hooks
   */
  constructor(cid, hooks = {}) {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    this.url = `${scheme}//${location.host}/ws/competitions/${encodeURIComponent(cid)}`;
    this.api = `/api/competitions/${encodeURIComponent(cid)}`;
    this.hooks = hooks;
    this.views = new Map(); // view -> {token, seq, data, handler}
    this.attempt = 0;
    this.ws = null;
    this.lastMessage = 0;
    this.status = "connecting";
    this.liveSince = null;
    this.gapBeats = 0;
    this.writable = true;
    this.closed = false;
    this.retry = null; // the timer of the next reconnection
    this.watchdog = setInterval(() => this.check(), 1000);
    this.onOffline = () => {
      if (!this.liveSince) this.setStatus("offline");
      this.drop();
    };
    this.onOnline = () => {
      if (this.ws?.readyState === WebSocket.OPEN) return;
      clearTimeout(this.retry); // not after a backoff grown while offline
      this.attempt = 0;
      const attempt = this.ws; // one begun offline may never finish: its close is ignored
      this.ws = null;
      attempt?.close();
      this.connect();
    };
    addEventListener("offline", this.onOffline);
    addEventListener("online", this.onOnline);
    this.connect();
  }

  /** Follow `view`; `handler(data, seq)` gets every whole view. The first
   * comes over HTTP, gzipped (…/views/{view}: the board of a full contest is
   * 20× smaller so), then the socket sends what changed since. */
  subscribe(view, handler, token = null) {
    const v = { token, seq: 0, basis: null, data: undefined, handler, loading: FOLDS.has(view) };
    this.views.set(view, v);
    if (v.loading) this.load(view, v);
    else this.send(view);
  }

  async load(view, v) {
    try {
      const headers = v.token ? { Authorization: `Bearer ${v.token}` } : {};
      const answer = await fetch(`${this.api}/views/${encodeURIComponent(view)}`, { headers });
      const msg = answer.ok ? await answer.json() : null;
      if (msg && v.data === undefined) {
        v.seq = msg.seq;
        v.basis = msg.basis;
        v.data = msg.data;
        v.handler(msg.data, msg.seq);
      }
    } catch {
      // offline, or an older server: the socket sends the view whole
    }
    v.loading = false;
    this.send(view);
  }

  /** The seq of the newest view received (0 before any). */
  get seq() {
    let s = 0;
    for (const v of this.views.values()) s = Math.max(s, v.seq);
    return s;
  }

  send(view) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    const v = this.views.get(view);
    if (v.loading) return; // subscribed once loaded
    const msg = { type: "subscribe", view, since: v.seq, patches: true };
    if (v.token) msg.token = v.token;
    if (v.data !== undefined && v.basis) msg.basis = v.basis;
    this.ws.send(JSON.stringify(msg));
  }

  connect() {
    if (this.closed) return; // a reconnection due after close()
    this.setStatus(this.liveSince ? "stale" : navigator.onLine === false ? "offline" : "connecting");
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.writable = true; // the server says at once when it is not
      this.lastMessage = Date.now();
      for (const view of this.views.keys()) this.send(view);
    };
    ws.onmessage = (event) => this.receive(event.data);
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (event?.code === 4404) {
        this.close();
        this.hooks.onMissing?.();
        return;
      }
      if (this.liveSince) this.setStatus("stale");
      const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
      this.attempt += 1;
      this.retry = setTimeout(() => this.connect(), base / 2 + Math.random() * base);
    };
  }

  /** Stop for good: no reconnection, no watchdog. */
  close() {
    this.closed = true;
    clearInterval(this.watchdog);
    clearTimeout(this.retry);
    removeEventListener("offline", this.onOffline);
    removeEventListener("online", this.onOnline);
    const ws = this.ws;
    this.ws = null;
    ws?.close();
  }

  receive(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    this.lastMessage = Date.now();
    if (msg.type === "view") {
      const v = this.views.get(msg.view);
      if (!v || msg.seq < v.seq) return; // an older view than we hold: ignore
      v.basis = msg.basis ?? null;
      this.show(v, msg.data, msg.seq);
    } else if (msg.type === "current") {
      const v = this.views.get(msg.view);
      if (v && v.data !== undefined && msg.seq === v.seq) this.setStatus("live");
    } else if (msg.type === "patch") {
      const v = this.views.get(msg.view);
      if (!v) return;
      if (v.data === undefined || msg.base !== v.seq) {
        this.send(msg.view); // not the view we hold: ask for it whole
        return;
      }
      this.show(v, applyPatch(v.data, msg.ops), msg.seq);
    } else if (msg.type === "heartbeat") {
      if (this.status !== "live" && this.views.size === 0) this.setStatus("live");
      if (typeof msg.writable === "boolean") this.setWritable(msg.writable);
      this.checkGap(msg.seq);
    } else if (msg.type === "error") {
      this.hooks.onError?.(msg.error);
    }
  }

  show(v, data, seq) {
    v.seq = seq;
    v.data = data;
    this.setStatus("live");
    v.handler(data, seq);
  }

  /** A heartbeat ahead of our views twice running means we missed one: ask again. */
  checkGap(seq) {
    const behind = [...this.views.values()].some((v) => v.seq > 0 && v.seq < seq);
    this.gapBeats = behind ? this.gapBeats + 1 : 0;
    if (this.gapBeats >= 2) {
      this.gapBeats = 0;
      for (const view of this.views.keys()) this.send(view);
    }
  }

  check() {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastMessage > HEARTBEAT_MS * MISSED_BEATS) {
      this.setStatus("stale");
      this.drop();
    }
  }

  /** The connection is gone, whatever the socket says: stale now, reconnect with backoff. */
  drop() {
    const ws = this.ws;
    if (!ws) return;
    if (this.liveSince) this.setStatus("stale");
    ws.close();
    ws.onclose?.();
  }

  setWritable(writable) {
    if (writable === this.writable) return;
    this.writable = writable;
    if (this.status === "live" || this.status === "unsaved") this.setStatus("live");
  }

  setStatus(status) {
    if (status === "live" && !this.writable) status = "unsaved";
    if (status === "live" || status === "unsaved") this.liveSince = new Date();
    if (status === this.status) return;
    this.status = status;
    this.hooks.onStatus?.(status, this.liveSince);
  }
}

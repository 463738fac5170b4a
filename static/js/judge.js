// The judge's phone: the contestant on stage, the scoresheet, and an outbox that
// keeps every sheet in localStorage and sends it, with the same submission id,
// until the server acknowledges it (a reload or a lost network loses nothing).
import { api, ApiError, competitionFromPath, loadSetup, tokenFromFragment } from "./api.js";
import { markProblem, padScore, totalPlaces, weightedTotal } from "./format.js";
import { applyStatic, chooseLanguage, label, onLanguage, t } from "./i18n.js";
import { ReceiptProofs } from "./receipt.js";
import { LiveSocket } from "./socket.js";
import { connectionText, data, fill, h, languageSwitch, tdata, toast } from "./ui.js";

const $ = (id) => document.getElementById(id);
const RETRY_MS = [1000, 2000, 4000, 8000, 15000];

let cid = competitionFromPath();
let token = tokenFromFragment();
let refused = false; // the server does not know the token (revoked or mistyped)
let setup = null;
let me = null;
let progress = null;
let lastRound = null; // the round progress last named, kept: a reload without network has no progress
let target = null; // the contestant the form is for
let draft = {}; // criterion key -> text typed
let typed = false; // the judge has typed into the draft: a sheet that arrives later must not overwrite it
let confirming = null; // the sheet awaiting confirmation
let lastReceipt = null;
let failed = null; // {item, message}: a sheet the server refused
let retry = { attempt: 0, timer: null, sending: false };
let conn = { status: "connecting", since: null };
let proofs = null; // the receipts proved against signed checkpoints (receipt.js)
let invalid = null; // {lines, dismiss}: the toast naming the marks that are not valid, a line each (criterion key -> line) until it is

// --- storage: the outbox and the receipts survive reloads --------------------------

const key = (what) => `leitai.${what}.${cid}.${(token ?? "").slice(0, 12)}`;
function load(what, fallback) {
  try {
    return JSON.parse(localStorage.getItem(key(what))) ?? fallback;
  } catch {
    return fallback;
  }
}
function save(what, value) {
  localStorage.setItem(key(what), JSON.stringify(value));
}
const outbox = () => load("outbox", []);
const receipts = () => load("receipts", {});

function newSubmissionId() {
  // crypto.randomUUID needs a secure context; a venue's LAN address may not be one
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// --- sending -------------------------------------------------------------------------

async function flush() {
  if (retry.sending || !token) return;
  retry.sending = true;
  clearTimeout(retry.timer);
  try {
    for (;;) {
      const [item] = outbox();
      if (!item) break;
      try {
        const receipt = await api(`/api/competitions/${encodeURIComponent(cid)}/scores`, {
          method: "POST",
          token,
          body: item.abstain
            ? { contestant: item.contestant, abstain: true, submission_id: item.submission_id }
            : { contestant: item.contestant, points: item.points, submission_id: item.submission_id },
        });
        const all = receipts();
        all[item.contestant] = { ...receipt, round: item.round, submission_id: item.submission_id, points: item.points, total: item.total, abstain: !!item.abstain, name: item.name };
        save("receipts", all);
        lastReceipt = all[item.contestant];
        retry.attempt = 0;
      } catch (error) {
        if (error instanceof ApiError && error.retryable) {
          const wait = RETRY_MS[Math.min(retry.attempt, RETRY_MS.length - 1)];
          retry.attempt += 1;
          retry.timer = setTimeout(flush, wait);
          break;
        }
        failed = { item, message: error.message };
      }
      save("outbox", outbox().filter((x) => x.submission_id !== item.submission_id));
    }
  } finally {
    retry.sending = false;
    render();
  }
}

function enqueue(sheet) {
  save("outbox", [...outbox(), { ...sheet, submission_id: newSubmissionId(), queued: new Date().toISOString() }]);
  failed = null;
  dismissInvalid(); // an abstention sends no marks: what was said of them is moot
  typed = false; // sent: the form follows what is recorded from now on
  lastReceipt = null;
  render();
  flush();
}

// --- what the judge may score now --------------------------------------------------------

function mine(cp) {
  return me && cp.expected.concat(cp.shadow ?? []).some((j) => j.judge === me.judge);
}

function scorable() {
  if (!progress) return [];
  const list = [];
  if (progress.on_stage && mine(progress.on_stage)) list.push(progress.on_stage);
  const open = progress.open.filter((cp) => mine(cp) && !list.some((x) => x.contestant === cp.contestant));
  return list.concat(open.sort((a, b) => runningOrder(a) - runningOrder(b)));
}

/** Where `cp` comes in its round's running order (the order the judge saw them on stage). */
function runningOrder(cp) {
  const members = setup?.rounds?.find((r) => r.round === cp.round)?.members ?? [];
  const i = members.indexOf(cp.contestant);
  return i < 0 ? members.length : i;
}

/** The round being run: progress's, or offline before any came, the last one it named (the
 * list of sheets, the receipts and the outbox are the round's, and the phone still holds them). */
function roundNow() {
  return progress ? progress.round : lastRound;
}

/** The round `contestant` is being scored in now (a finalist's heats sheets are another
 * entry's: they neither fill the final's form nor count as scored in it). */
function roundOf(contestant) {
  return scorable().find((cp) => cp.contestant === contestant)?.round ?? roundNow();
}

/** This judge's sheets waiting to be sent for `contestant` in the round being scored. */
function waitingFor(contestant) {
  const round = roundOf(contestant);
  return outbox().filter((x) => x.contestant === contestant && (x.round ?? round) === round);
}

/** This phone's receipt for `contestant` in the round being scored (one of an earlier
 * round, or kept from before receipts named their round, is not it). */
function receiptFor(contestant) {
  const receipt = receipts()[contestant];
  return receipt && receipt.round === roundOf(contestant) ? receipt : undefined;
}

function previousPoints(contestant) {
  const waiting = waitingFor(contestant).pop();
  if (waiting) return waiting.points;
  const receipt = receiptFor(contestant);
  // the log may hold a later sheet than this phone sent: one from another device, or a paper sheet
  const sheet = serverSheet(contestant);
  if (receipt && !(sheet?.points && sheet.seq > receipt.seq)) return receipt.points;
  return sheet?.points ?? null;
}

/** The server's copy of this judge's sheet for `contestant` in the round being scored. */
function serverSheet(contestant) {
  const round = roundOf(contestant);
  return me?.sheets.find((s) => s.contestant === contestant && s.round === round);
}

/** This judge's sent sheet in force for `contestant`: the later of this phone's receipt and
 * the server's copy (one from another device, or a paper sheet, may be later). */
function sheetInForce(contestant) {
  const receipt = receiptFor(contestant);
  const sheet = serverSheet(contestant);
  return receipt && !(sheet && sheet.seq > receipt.seq) ? receipt : sheet;
}

/** Whether the judge's sheet for `contestant` is an abstention: the latest waiting to be
 * sent, else the one in force. */
function abstainedOn(contestant) {
  const waiting = waitingFor(contestant).pop();
  return Boolean(waiting ? waiting.abstain : sheetInForce(contestant)?.abstain);
}

/** The form for `contestant`, filled with what is recorded for them, if anything. */
function startDraft(contestant) {
  target = contestant;
  draft = { ...(previousPoints(contestant) ?? {}) };
  typed = false;
}

// --- rendering -------------------------------------------------------------------------------

function renderHeader() {
  $("who").textContent = me ? `${me.name} · ${t("judge.panel", { panel: me.panel })}` : t("judge.title");
  $("comp").textContent = label(setup?.title);
  document.title = `${label(setup?.title) || t("app.name")} · ${t("judge.title")}`;
  const c = $("conn");
  c.className = `conn ${conn.status}${token && cid && !refused ? "" : " hidden"}`; // no judge, nothing to connect for
  c.textContent = connectionText(conn.status, conn.since);
}

function renderStage() {
  const el = $("stage");
  if (!token || refused) {
    el.replaceChildren(h("p", { class: "state closed", "data-testid": "state" }, t(refused ? "judge.link_refused" : "judge.no_token")));
    return;
  }
  const on = progress?.on_stage;
  const parts = [h("h2", {}, t("judge.on_stage"))];
  if (!on) parts.push(h("p", { class: "state wait", "data-testid": "state" }, progress ? t("judge.waiting") : navigator.onLine ? t("conn.connecting") : t("judge.stage_offline")));
  else {
    parts.push(data("div", on.name, { class: "on-name", "data-testid": "on-name" }));
    parts.push(h("div", { class: "on-meta" }, data("span", on.organisation), " · ", data("span", groupLabel(on.group))));
    let state;
    if (!mine(on)) state = ["wait", "judge.not_yours"];
    else if (on.scoring_open) state = ["open", "judge.open"];
    else if (on.closed || on.revealed) state = ["closed", "judge.closed"];
    else state = ["wait", "judge.not_open"];
    parts.push(h("p", { class: `state ${state[0]}`, "data-testid": "state" }, t(state[1])));
  }
  el.replaceChildren(...parts);
}

function groupLabel(id) {
  const g = setup?.groups?.find((x) => x.group === id);
  return g ? label(g.name) : id;
}

function renderSheet() {
  const form = $("sheet");
  const choices = scorable().filter((cp) => cp.scoring_open);
  if (!choices.length || confirming || !setup?.criteria?.length) {
    form.classList.add("hidden");
    if (!confirming) target = null;
    return;
  }
  // scoring left open for someone this judge has sent nothing for (the next one was called)
  const sent = (c) => c.expected.concat(c.shadow ?? []).some((j) => j.judge === me?.judge && j.scored) || outbox().some((x) => x.contestant === c.contestant);
  const owed = choices.filter((c) => c.contestant !== progress?.on_stage?.contestant && !sent(c));
  // the one on stage, else the first still owed: never a sheet already sent, opened as a correction
  if (!target || !choices.some((c) => c.contestant === target)) startDraft((choices.find((c) => c.contestant === progress?.on_stage?.contestant) ?? owed[0] ?? choices[0]).contestant);
  else if (!typed && previousPoints(target)) draft = { ...previousPoints(target) }; // the judge's sheets came after the form
  const chosen = choices.find((c) => c.contestant === target);
  const places = setup.places ?? 1;
  const active = document.activeElement?.name;
  const rows = setup.criteria.map((c) => {
    const problem = draft[c.key] !== undefined && draft[c.key] !== "" ? markProblem(draft[c.key], c.maximum, places) : null;
    const id = `c-${c.key}`;
    return h(
      "div",
      { class: "crit" },
      data("label", label(c.label), { for: id }),
      h("span", { class: "max", id: `${id}-max` }, t("judge.max", { max: c.maximum })),
      // a screen reader says the maximum, and what is wrong, with the field
      h("input", {
        id, name: c.key, inputmode: "decimal", autocomplete: "off", value: draft[c.key] ?? "",
        "aria-invalid": problem ? "true" : "false", "data-testid": `mark-${c.key}`,
        "aria-describedby": problem ? `${id}-max ${id}-problem` : `${id}-max`,
      }),
      problem ? h("span", { class: "problem", role: "alert", id: `${id}-problem` }, t(problem, { max: c.maximum, places })) : null,
    );
  });
  const previous = previousPoints(target);
  const abstained = abstainedOn(target);
  // a sheet only waiting in the outbox is not yet one to correct: none reached the server
  const recorded = Boolean(receiptFor(target) || serverSheet(target)) || abstained;
  fill(form,
    h("h2", { "data-testid": "sheet-heading" }, t(recorded ? "judge.correct_for" : previous ? "judge.waiting_sheet" : "judge.sheet_for")),
    owed.length ? h("p", { class: "owed", "data-testid": "owed" }, tdata("judge.still_owed", { names: owed.map((c) => c.name).join(t("list.separator")) })) : null,
    choices.length > 1
      ? h("label", { class: "choose" }, t("judge.choose"),
          h("select", { name: "contestant", "data-testid": "choose", onchange: (e) => { startDraft(e.target.value); render(); } },
            choices.map((c) => h("option", { value: c.contestant, selected: c.contestant === target, translate: "no" }, c.name))))
      : chosen.contestant !== progress?.on_stage?.contestant ? data("div", chosen.name, { class: "on-name" }) : null,
    abstained ? h("p", { class: "muted", "data-testid": "abstained-now" }, t("judge.abstained_now")) : null,
    ...rows,
    h("div", { class: "total" }, h("span", {}, t("judge.total")), h("strong", { class: "num", "data-testid": "total" }, draftTotal())),
    h("button", { type: "submit", class: "wide", "data-testid": "review" }, recorded ? t("judge.review_correction") : t("judge.review")),
    // abstaining again would only record the same thing twice
    h("button", { type: "button", class: "wide secondary", "data-testid": "abstain", disabled: abstained, onclick: onAbstain }, abstained ? t("judge.abstained") : t("judge.abstain")),
  );
  form.classList.remove("hidden");
  if (active) form.querySelector(`input[name="${active}"]`)?.focus();
}

function renderConfirm() {
  const el = $("confirm");
  if (!confirming) {
    el.classList.add("hidden");
    return;
  }
  el.replaceChildren(
    h("h2", {}, t("judge.confirm_title")),
    data("div", confirming.name, { class: "on-name" }),
    confirming.abstain
      ? h("p", { "data-testid": "abstain-note" }, t("judge.abstain_note"))
      : h("ul", { class: "confirm-list" },
          setup.criteria.map((c) => h("li", {}, data("span", label(c.label)), h("strong", { class: "num" }, confirming.points[c.key]))),
          h("li", {}, h("span", {}, t("judge.total")), h("strong", { class: "num" }, confirming.total))),
    h("button", { type: "button", class: "wide", "data-testid": "send", onclick: onSend }, t("judge.send")),
    h("button", { type: "button", class: "wide secondary", onclick: () => { confirming = null; render(); } }, t("judge.back")),
  );
  el.classList.remove("hidden");
  // the card from its heading, whom the sheet is for, below the sticky header: focusing
  // the button alone scrolled only far enough to show the button
  const bar = document.querySelector(".bar")?.offsetHeight ?? 0;
  scrollTo({ top: Math.max(0, el.getBoundingClientRect().top + scrollY - bar - 8) });
  el.querySelector("button").focus({ preventScroll: true });
}

/** Sends the confirmed sheet, and takes the judge back to the top: to the stage card, which
 * says whom scoring is open for now, rather than to the page's body when the card they were
 * in goes (a screen reader or a keyboard would start again from the top). */
function onSend() {
  const sheet = confirming;
  confirming = null;
  enqueue(sheet);
  scrollTo(0, 0);
  $("stage").focus({ preventScroll: true });
}

function renderOutbox() {
  const el = $("outbox");
  const waiting = outbox();
  if (failed) {
    el.className = "outbox failed";
    el.replaceChildren(
      h("strong", {}, tdata("judge.refused", { name: failed.item.name })),
      h("p", { "data-testid": "refused" }, failed.message),
      h("button", { type: "button", class: "secondary", onclick: () => { failed = null; render(); } }, t("judge.dismiss")),
    );
    return;
  }
  if (!waiting.length) {
    el.className = "outbox hidden";
    return;
  }
  el.className = "outbox";
  el.replaceChildren(
    h("strong", { "data-testid": "outbox" }, t("judge.outbox", { n: waiting.length })),
    h("p", {}, navigator.onLine ? t("judge.outbox_retrying") : t("judge.outbox_offline")),
    h("button", { type: "button", class: "secondary", onclick: () => { retry.attempt = 0; flush(); } }, t("judge.retry_now")),
  );
}

function renderReceipt() {
  const el = $("receipt");
  // under the stage card, so a judge sees it without scrolling; gone once someone else is to be scored
  const of = Object.entries(receipts()).find(([, r]) => r.submission_id === lastReceipt?.submission_id)?.[0];
  const on = progress?.on_stage;
  if (!lastReceipt || (on && on.scoring_open && mine(on) && on.contestant !== of)) {
    el.classList.add("hidden");
    return;
  }
  el.replaceChildren(
    h("h2", {}, t("judge.received")),
    data("div", lastReceipt.name, { class: "on-name" }),
    h("p", { "data-testid": "receipt" }, t("judge.receipt", { seq: lastReceipt.seq }), " ", h("code", { translate: "no" }, lastReceipt.hash.slice(0, 12)),
      lastReceipt.duplicate ? ` · ${t("judge.duplicate")}` : ""),
    lastReceipt.abstain
      ? h("p", { class: "muted" }, t("judge.abstained"))
      : h("p", { class: "muted" }, t("judge.total"), t("punct.colon"), h("span", { class: "num" }, lastReceipt.total)),
  );
  el.classList.remove("hidden");
}

function renderScored() {
  // the round being run: a finalist scored in the heats is still to be scored here
  const now = roundNow();
  const local = Object.fromEntries(Object.entries(receipts()).filter(([, r]) => r.round === now));
  const waiting = outbox().filter((x) => (x.round ?? now) === now);
  const ids = new Set([...Object.keys(local), ...(me?.sheets ?? []).filter((s) => s.round === now).map((s) => s.contestant), ...waiting.map((x) => x.contestant)]);
  const name = (id) => setup?.contestants?.find((c) => c.contestant === id)?.name ?? local[id]?.name ?? waiting.find((x) => x.contestant === id)?.name ?? id;
  // in the running order, as the contestants came on (a list of 25 is read against it)
  const round = setup?.rounds?.find((r) => r.round === setup.current_round);
  const running = [...(round?.order ?? []), ...(round?.members ?? [])];
  const place = (id) => (running.includes(id) ? running.indexOf(id) : running.length);
  const items = [...ids].sort((a, b) => place(a) - place(b)).map((id) => {
    const queued = waiting.filter((x) => x.contestant === id).pop();
    const mine = sheetInForce(id);
    // the total the judge gave, so that twenty-five contestants in they can still compare them
    const sheet = queued ?? mine;
    const abstain = Boolean(sheet?.abstain);
    const total = sheet && !abstain ? sheetTotal(sheet.points) : null;
    const tick = queued ? t("judge.waiting_to_send") : abstain ? t("judge.abstained") : "✓";
    return h(
      "li",
      { class: queued ? "waiting" : "", "data-testid": "scored-item" },
      data("span", name(id), { class: "name" }),
      h("span", { class: "sent" },
        mine?.seq && !queued ? h("code", { class: "muted" }, `#${mine.seq}`) : null,
        total ? h("strong", { class: "num", "data-testid": "sent-total", "aria-label": t("judge.sent_total", { total }) }, total) : null,
        h("span", { class: "tick" }, tick)),
    );
  });
  $("scored").replaceChildren(...(items.length ? items : [h("li", { class: "muted" }, t("judge.none_scored"))]));
}

function render() {
  renderHeader();
  renderStage();
  renderOutbox();
  renderSheet();
  renderConfirm();
  renderReceipt();
  renderScored();
  proofs?.update(Object.entries(receipts()).map(([contestant, r]) => ({ ...r, contestant })));
}

// --- input ---------------------------------------------------------------------------------

function onInput(e) {
  if (!(e.target instanceof HTMLInputElement)) return;
  typed = true;
  draft[e.target.name] = e.target.value.replace(",", ".").trim();
  const places = setup.places ?? 1;
  const c = setup.criteria.find((x) => x.key === e.target.name);
  const problem = draft[c.key] ? markProblem(draft[c.key], c.maximum, places) : null;
  e.target.setAttribute("aria-invalid", problem ? "true" : "false");
  const row = e.target.closest(".crit");
  row.querySelector(".problem")?.remove();
  if (problem) row.append(h("span", { class: "problem", role: "alert" }, t(problem, { max: c.maximum, places })));
  if (invalid?.lines.has(c.key)) {
    // the toast follows the mark: what is wrong with it now, or nothing once it is right
    const now = markProblem(draft[c.key], c.maximum, places);
    if (now) invalid.lines.get(c.key).textContent = problemText(c, now);
    else {
      invalid.lines.get(c.key).remove();
      invalid.lines.delete(c.key);
      if (!invalid.lines.size) dismissInvalid();
    }
  }
  $("sheet").querySelector("[data-testid=total]").textContent = draftTotal();
}

/** The draft's total, or "—" until every mark is valid: a total of a mark that cannot be
 * sent is not one the judge will get. */
function draftTotal() {
  const places = setup.places ?? 1;
  if (setup.criteria.some((c) => markProblem(draft[c.key] ?? "", c.maximum, places))) return "—";
  return sheetTotal(draft);
}

/** A sheet's total as the judge confirmed it: exact, with the places every total of the
 * competition is shown with (79.10 beside 81.89, as the exports print them); null when its
 * points are not all there (a sheet from before the scoresheet changed). */
function sheetTotal(points) {
  if (!points || !setup?.criteria?.length) return null;
  const total = weightedTotal(setup.criteria, points);
  return total ? padScore(total, totalPlaces(setup)) : null;
}

/** What is wrong with criterion `c`'s mark, as the toast names it. */
function problemText(c, problem) {
  return `${label(c.label)}${t("punct.colon")}${t(problem, { max: c.maximum, places: setup.places ?? 1 })}`;
}

function dismissInvalid() {
  invalid?.dismiss();
  invalid = null;
}

function onReview(e) {
  e.preventDefault();
  const places = setup.places ?? 1;
  const problems = setup.criteria.map((c) => markProblem(draft[c.key] ?? "", c.maximum, places));
  if (problems.some(Boolean)) {
    for (const [i, c] of setup.criteria.entries()) if (problems[i] && !draft[c.key]) draft[c.key] = "";
    renderSheet();
    // every mark that is not valid, a line each: naming only the first hides the others until the next try
    const lines = new Map(setup.criteria.flatMap((c, i) => (problems[i] ? [[c.key, h("span", { class: "toast-line" }, problemText(c, problems[i]))]] : [])));
    dismissInvalid();
    invalid = { lines, dismiss: toast(h("span", {}, [...lines.values()])) };
    $("sheet").querySelector(`input[name="${[...lines.keys()][0]}"]`)?.focus();
    return;
  }
  dismissInvalid(); // valid now, whatever the judge was told before
  const points = Object.fromEntries(setup.criteria.map((c) => [c.key, draft[c.key]]));
  const chosen = scorable().find((c) => c.contestant === target);
  confirming = { contestant: target, round: roundOf(target), name: chosen?.name ?? target, points, total: sheetTotal(points) };
  render();
}

/** An abstention: a sheet without points, confirmed like any other; it does not count. */
function onAbstain() {
  const chosen = scorable().find((c) => c.contestant === target);
  confirming = { contestant: target, round: roundOf(target), name: chosen?.name ?? target, abstain: true, points: {}, total: null };
  render();
}

// --- start -------------------------------------------------------------------------------------

async function findCompetition() {
  // /judge#token=… without the competition in the address: ask each one who we are
  for (const c of await api("/api/competitions")) {
    try {
      await api(`/api/competitions/${encodeURIComponent(c.id)}/me`, { token });
      return c.id;
    } catch (error) {
      if (error.status === 0) throw error; // offline: we cannot tell yet
    }
  }
  return null; // no competition here knows the token
}

async function refresh() {
  try {
    setup = await loadSetup(cid);
    save("setup", setup);
    chooseLanguage(setup.languages);
  } catch (error) {
    if (error.status !== 0) toast(error.message); // offline: the outbox card says so already
  }
  try {
    me = await api(`/api/competitions/${encodeURIComponent(cid)}/me`, { token });
    save("me", me);
  } catch (error) {
    if (error.status === 401 || error.code === "unknown_competition") refuse(); // a link to no judge here
    else if (error.status !== 0) toast(error.message);
  }
  render();
}

/** The token is not (or no longer) a judge's: say so where the sheet would be, and
 * forget it, so that this address asks for the right link next time. */
function refuse() {
  refused = true;
  me = null;
  localStorage.removeItem(key("me"));
  if (localStorage.getItem(`leitai.token.${cid}`) === token) localStorage.removeItem(`leitai.token.${cid}`);
}

async function start() {
  chooseLanguage(null);
  applyStatic();
  if (token && !cid) {
    try {
      cid = await findCompetition();
      refused = cid === null;
    } catch {
      /* offline: the page waits for the network */
    }
  }
  if (!token && cid) token = localStorage.getItem(`leitai.token.${cid}`);
  if (token && cid) localStorage.setItem(`leitai.token.${cid}`, token);
  setup = cid ? load("setup", null) : null;
  me = cid ? load("me", null) : null;
  lastRound = cid ? load("round", setup?.current_round ?? null) : null;
  if (setup) chooseLanguage(setup.languages);
  const sw = languageSwitch(setup?.languages);
  $("lang").append(sw);
  onLanguage(() => { sw.render(); applyStatic(); render(); });
  $("sheet").addEventListener("input", onInput);
  $("sheet").addEventListener("submit", onReview);
  render();
  if (!token || !cid) return;
  registerOffline();
  proofs = new ReceiptProofs({ cid, token, el: $("proofs"), storageKey: key("proofs") });
  const socket = new LiveSocket(cid, {
    onStatus: (status, since) => { conn = { status, since }; renderHeader(); if (status === "live") flush(); },
    onError: (error) => toast(error.message),
    onMissing: () => { refuse(); render(); },
  });
  socket.subscribe("progress", (view) => {
    const before = progress?.seq;
    const stage = progress?.on_stage;
    progress = view;
    if (view.round !== lastRound) save("round", (lastRound = view.round));
    // a reveal signs a checkpoint that may cover our receipts; other judges' scores
    // sign nothing, and 80 phones asking at each of them is load for nothing
    if (stage?.contestant !== view.on_stage?.contestant || (view.on_stage?.revealed && !stage?.revealed)) proofs.poke();
    // our own sheets show up in progress; refresh what the server holds for us now and then
    if (before !== undefined && me && view.on_stage && view.on_stage.expected.some((j) => j.judge === me.judge && j.scored)) refreshMe();
    render();
  });
  socket.subscribe("judge", () => {}, token); // tells the organisers this page is open
  addEventListener("online", () => { retry.attempt = 0; flush(); render(); });
  addEventListener("offline", render);
  await refresh();
  flush();
}

let meTimer = null;
function refreshMe() {
  clearTimeout(meTimer);
  meTimer = setTimeout(async () => {
    try {
      me = await api(`/api/competitions/${encodeURIComponent(cid)}/me`, { token });
      save("me", me);
      renderSheet(); // a sheet recorded elsewhere fills the form, unless the judge has started typing
      renderScored();
    } catch { /* offline: the local receipts still show */ }
  }, 300);
}

/** Keep this page and its scripts in the browser so a reload works without network.
 * On the first visit the service worker does not control the page yet, so what is kept
 * now is all a reload without network will have: every file the page loaded (its styles
 * and its whole module graph, patch.js under socket.js included), read from what the
 * browser fetched rather than from a list that a new import would leave behind. */
async function registerOffline() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("/judge-sw.js", { scope: "/judge" });
    const cache = await caches.open("leitai-judge");
    await cache.addAll([location.pathname, ...loadedAssets()]);
    window.leitaiOffline = true;
  } catch {
    /* not a secure context (plain http on a LAN address): the outbox still survives reloads */
  }
}

/** The addresses of the files under /static/ this page has loaded, and its icon (which
 * the browser fetches outside the resource timing, or not yet at all). */
function loadedAssets() {
  const urls = [
    ...performance.getEntriesByType("resource").map((entry) => new URL(entry.name)),
    ...[...document.querySelectorAll('link[rel="icon"]')].map((link) => new URL(link.href)),
  ];
  const paths = urls
    .filter((url) => url.origin === location.origin && url.pathname.startsWith("/static/"))
    .map((url) => url.pathname);
  return [...new Set(paths)];
}

start();

// The organiser's console: run of show, judges' status grid, corrections, judges' links.
import { api, competitionFromPath, download, loadSetup, qrSvg, tokenFromFragment } from "./api.js";
import { redrawKeeping } from "./forms.js";
import { formatScore, markProblem, padScore, totalPlaces } from "./format.js";
import { applyStatic, chooseLanguage, currentLanguage, label, onLanguage, t } from "./i18n.js";
import { LiveSocket } from "./socket.js";
import { missingPriors, statusText } from "./status.js";
import { confirmOnce, connectionText, data, fill, h, languageSwitch, refusedNote, showMissingCompetition, signInAgain, tdata, toast } from "./ui.js";

const $ = (id) => document.getElementById(id);
const cid = competitionFromPath();
let token = tokenFromFragment() ?? (cid ? sessionStorage.getItem(`leitai.admin.${cid}`) : null);
let setup = null; // followed over the socket: another console or the API may open a round, draw, recuse
let setupDrawn = null; // the set-up the forms were last drawn from, but for its seq (every record moves it)
let board = null;
let progress = null;
let audit = null; // the audit view: its paper_sheets are what the console confirms
let me = null; // {role, id}: whom this token's commands are logged under
let presence = {}; // judge -> {connected, sockets, last_seen, last_seen_seq}: pages open, from this server process
let conn = { status: "connecting", since: null };
let missing = false; // no such competition on this server
const issued = new Map(); // judge -> {link, svg}: links issued in this session (shown once)
// The judges' links issued in this tab (at the competition's creation, then by this console), kept
// for the tab's life: its print does not issue again, and revoke, the links just handed out.
const issuedKey = (stream) => `leitai.issued.${stream}`;
const autoClose = { on: false, sent: null };
// Commands sent (or being confirmed) and not yet answered. A second click while the first is pending,
// such as the second half of a double-click, would send the same command again with stale data.
const pending = new Set();
const busy = (name) => pending.has(name);
let awardsAck = null; // {round, step, seq}: the last awards step the server acknowledged
let judgesShown = null; // the judges' phones before the show: listed one by one (true), or only counted
let showScrolled = null; // where the run of show was last scrolled to: the contestant on stage, and their row
let priorsDrawn = null; // what the prior scores' card was last drawn from (it holds a form)

const enc = encodeURIComponent;

async function command(name, body, { ask, confirmLabel } = {}) {
  if (busy(name)) return null;
  pending.add(name);
  render(); // its buttons are drawn disabled at once, before a second click can land
  try {
    if (ask && !(await confirmOnce(ask, confirmLabel))) return null;
    const receipt = await send(name, body, actionKey());
    toast(t("admin.done", { seq: receipt.seq }), "info"); // what it changed comes over the socket
    return receipt;
  } catch (error) {
    toast(error.message);
    return null;
  } finally {
    pending.delete(name);
    render();
  }
}

const RETRY_MS = [500, 1000, 2000, 4000];

/** A key for one action of the organiser, the same for every try of it. */
const actionKey = () => Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");

/** POST a command, sending it again while the network or the server fails: with
 * its Idempotency-Key the server does it once however many arrive, and answers a
 * repeat with what the first did (its answer lost on the venue's Wi-Fi). */
async function send(name, body, key) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await api(`/api/competitions/${enc(cid)}/${name}`, { method: "POST", body, token, headers: { "Idempotency-Key": key } });
    } catch (error) {
      if (!error.retryable || attempt >= RETRY_MS.length) throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS[attempt]));
    }
  }
}

/** The set-up as fetched at start or pushed since: what another console or the API did to
 * it (the final opened, its running order drawn, a contestant withdrawn) is drawn at once.
 * Only a change of the set-up itself draws anything: it is pushed at every record, its seq
 * being the log's. An answer older than the set-up held is left. */
function takeSetup(view) {
  if (!view || (setup && !setup.partial && view.seq < setup.seq)) return;
  setup = view;
  const drawn = JSON.stringify({ ...view, seq: null });
  if (drawn === setupDrawn) return;
  setupDrawn = drawn;
  render();
  renderSetupParts();
}

async function loadFirstSetup() {
  try {
    takeSetup(await loadSetup(cid));
  } catch (error) {
    if (error.code === "unknown_competition") missing = true; // the socket stops on its own
    else toast(error.message);
    render();
  }
}

// --- helpers ------------------------------------------------------------------------------

const round = () => setup?.rounds?.find((r) => r.round === (setup.current_round ?? board?.round));
const contestant = (id) => setup?.contestants?.find((c) => c.contestant === id);
const row = (id) => board?.overall.find((r) => r.contestant === id);
const groupName = (id) => label(setup?.groups?.find((g) => g.group === id)?.name) || id;
const judgeName = (id) => setup?.judges?.find((j) => j.judge === id)?.name ?? id;
const judgePanel = (id) => setup?.judges?.find((j) => j.judge === id)?.panel ?? "";

function order() {
  const r = round();
  if (r?.order?.length) return r.order;
  if (r?.members?.length) return r.members;
  return (board?.overall ?? []).map((x) => x.contestant);
}

function stateOf(id) {
  const on = progress?.on_stage?.contestant === id ? progress.on_stage : progress?.open.find((c) => c.contestant === id);
  const r = row(id);
  if (r?.status === "withdrawn" || r?.status === "disqualified") return r.status;
  if (on?.revealed || r?.revealed) return "revealed";
  if (on?.scoring_open) return "open";
  if (on?.closed) return "closed";
  if (on) return "called";
  return r && r.status !== "pending" ? "closed" : "waiting"; // scored, or withheld short of judges
}

function nextContestant() {
  const list = order();
  const current = progress?.on_stage?.contestant;
  const start = current ? list.indexOf(current) + 1 : 0;
  return list.slice(start).find((id) => stateOf(id) === "waiting") ?? list.find((id) => stateOf(id) === "waiting") ?? null;
}

/** A judge's cell on the stage card, by its class: what it says. */
const JUDGE_STATE = { scored: "admin.scored", abstained: "admin.abstained", paper: "admin.paper_waiting", missing: "admin.missing" };

/** The judges whose sheet in force for the contestant is an abstention (the audit view's
 * latest version): their dot is filled, but nothing of theirs counts. */
function abstainers(contestant) {
  const latest = (j) => j.sheets?.find((s) => s.contestant === contestant)?.versions?.at(-1);
  return new Set((audit?.judges ?? []).filter((j) => latest(j)?.abstain).map((j) => j.judge));
}

/** Closed without a result: too few counted marks (withheld), or a prior score missing (incomplete). */
const withheld = (r) => r?.status === "withheld" || r?.status === "incomplete";

/** The marks that count toward the quorum, as the server counts them (docs/rules.md §4): not
 * those set aside (an abstention, a recused or shadow judge's …), but those the method then
 * strikes (trimmed) yes. The console's board has every judge's mark, with why it is dropped. */
const VALID = new Set([null, "trimmed_low", "trimmed_high", "not_closest"]);
const validMarks = (r) => (r?.judges ?? []).filter((j) => VALID.has(j.dropped ?? null)).length;

/** Said before closing or revealing a result that is, or once closed will be, withheld for
 * want of valid marks (the set-up's `quorum`): how many count, against how many are needed. */
function withholding(id, action) {
  const r = row(id);
  const quorum = setup?.quorum ?? 1;
  const n = validMarks(r);
  const short = action === "reveal" ? r?.status === "withheld" : Boolean(r) && n < quorum;
  if (!short) return null;
  const key = `admin.withhold_${action}`;
  return h("strong", { "data-testid": "withhold-warning" }, t(n ? key : `${key}_none`, { n, quorum }));
}

/** Contestants of the board's round neither closed nor out (withdrawn, disqualified): what the
 * server counts before publishing or finalising the awards (round_incomplete). null: no board yet. */
const unfinished = (view) => (view ? view.overall.filter((r) => r.status === "pending").length : null);

const nameOf = (id) => contestant(id)?.name ?? row(id)?.name ?? id;

/** Whether the judge's page is open: connected, last seen at a time, or never seen. */
function presenceOf(judge) {
  const p = presence[judge];
  if (p?.connected) return h("div", { class: "presence on", "data-testid": `presence-${judge}` }, t("admin.connected"));
  const text = p ? t("admin.last_seen", { time: new Date(p.last_seen).toLocaleTimeString(currentLanguage(), { hour12: false }) }) : t("admin.never_seen");
  return h("div", { class: "presence off", "data-testid": `presence-${judge}` }, text);
}

/** A new id for a paper sheet: kept across retries of one entry, so it is stored once. */
const paperId = () => `paper-${crypto.getRandomValues(new Uint32Array(2)).reduce((s, n) => s + n.toString(36), "")}`;
let paperSheet = paperId(); // the sheet being keyed in: kept across retries and redrawings, new once entered

// --- rendering -----------------------------------------------------------------------------------

function renderHeader() {
  $("title").textContent = label(setup?.title) || cid || t("admin.title");
  document.title = `${label(setup?.title) || t("app.name")} · ${t("admin.title")}`;
  $("round").textContent = label(board?.round_name);
  const c = $("conn");
  c.className = `conn ${conn.status}${cid && token && !missing ? "" : " hidden"}`; // no competition, no socket: nothing to connect to
  c.textContent = connectionText(conn.status, conn.since);
}

/** The judges' grid: beyond this many, before the show, only counted until asked for (80
 * cells would push the call button two screens down an organiser's laptop). */
const JUDGES_LISTED_UP_TO = 12;

/** Before anyone is called: how many judges' phones are connected, each judge's behind a toggle. */
function judgesBeforeShow() {
  if (!setup) return []; // drawn open by default, a toggle would remember that before the judges are known
  const judges = setup.judges ?? [];
  const connected = judges.filter((j) => presence[j.judge]?.connected).length;
  const open = judgesShown ?? judges.length <= JUDGES_LISTED_UP_TO;
  return [
    h("p", { "data-testid": "phones-connected" }, t("admin.phones_connected", { n: connected, m: judges.length })),
    h("details", { "data-testid": "judges-toggle", open, ontoggle: (e) => { judgesShown = e.target.open; } },
      h("summary", {}, t("admin.show_judges")),
      h("div", { class: "grid", "data-testid": "judge-grid" }, judges.map((j) =>
        h("div", { class: "judge-cell", title: t("admin.panel", { panel: j.panel }) }, data("div", j.name, { class: "name" }), presenceOf(j.judge))))),
  ];
}

function renderStage() {
  const on = progress?.on_stage;
  const next = nextContestant();
  const callNext = h("button", { type: "button", disabled: !next || busy("stage"), "data-testid": "call-next", onclick: () => callContestant(next) },
    next ? tdata("admin.call_next", { name: nameOf(next) }) : t("admin.no_next"));
  const parts = [h("h2", {}, t("admin.on_stage"))];
  // scoring left open when the next was called: out of sight in the run of show, it holds up
  // the awards until closed
  const elsewhere = progress?.open ?? [];
  const openElsewhere = elsewhere.length
    ? h("p", { class: "warn", "data-testid": "open-elsewhere" }, tdata("admin.open_elsewhere", {
        names: elsewhere.map((c) => `${c.name} (${c.scored}/${c.expected.length})`).join(t("list.separator")),
      }))
    : null;
  // after the awards: a mark amended, a judge recused, someone disqualified since
  if (board?.awards_outdated) parts.push(awardsOutdated());
  if (!on) parts.push(h("p", { class: "muted" }, t("admin.nobody")), h("div", { class: "row" }, callNext), ...(openElsewhere ? [openElsewhere] : []), ...judgesBeforeShow());
  else {
    const state = stateOf(on.contestant);
    const abstained = abstainers(on.contestant);
    const cell = (j) => (j.scored ? (abstained.has(j.judge) ? "abstained" : "scored") : j.paper ? "paper" : "missing");
    const abstaining = on.expected.filter((j) => j.scored && abstained.has(j.judge)).length;
    const r = row(on.contestant);
    const lacking = on.revealed ? [] : priorsLacking(on.contestant);
    // the actions first: with twenty judges on stage the grid below them runs past a laptop's screen
    parts.push(
      h("div", { class: "row" }, data("span", on.name, { class: "big-name" }), h("span", { class: `badge ${state}`, "data-testid": "stage-state" }, t(`admin.state_${state}`))),
      h("div", { class: "muted" }, data("span", on.organisation), " · ", data("span", groupName(on.group))),
      h("div", { class: "row", "data-testid": "stage-actions" },
        h("button", { type: "button", disabled: on.scoring_open || on.revealed || busy("open"), onclick: () => command("open", { contestant: on.contestant }) }, t("admin.open")),
        h("button", { type: "button", disabled: !on.scoring_open || busy("close"), "data-testid": "close", onclick: () => closeScoring(on) }, t("admin.close")),
        r?.reveal_again
          ? h("button", { type: "button", disabled: busy("reveal"), "data-testid": "reveal", onclick: () => revealAgain(on.contestant, on.name) }, t("admin.reveal_again"))
          : h("button", { type: "button", disabled: on.scoring_open || on.revealed || !on.closed || busy("reveal"), "data-testid": "reveal", onclick: () => reveal(on.contestant, on.name) }, t("admin.reveal")),
        callNext),
      h("div", { class: "row" },
        h("span", { class: "muted", "data-testid": "scored-of" }, t("admin.scored_of", { n: on.scored, m: on.expected.length }),
          abstaining ? ` · ${t("admin.n_abstained", { n: abstaining })}` : ""),
        h("label", {}, h("input", { type: "checkbox", checked: autoClose.on, onchange: (e) => { autoClose.on = e.target.checked; maybeAutoClose(); } }), " ", t("admin.auto_close"))),
    );
    if (openElsewhere) parts.push(openElsewhere);
    if (autoCloseHeld(on)) parts.push(h("p", { "data-testid": "auto-close-held" }, withholding(on.contestant, "close"), " ", t("admin.auto_close_held")));
    if (r?.final) parts.push(h("p", {}, t("admin.final"), t("punct.colon"), h("strong", { class: "num" }, formatScore(r.final, board.decimals)), r.rank ? ` · ${t("admin.rank", { rank: r.rank })}` : ""));
    else if (on.closed && withheld(r)) parts.push(h("p", { "data-testid": "stage-withheld" }, t("admin.final"), t("punct.colon"), h("strong", {}, statusText(r))));
    if (lacking.length) parts.push(h("p", { class: "warn", "data-testid": "stage-prior-missing" }, tdata("admin.prior_on_stage", { sources: lacking.join(t("list.separator")) })));
    parts.push(h("div", { class: "grid", "data-testid": "judge-grid" },
      on.expected.concat(on.shadow ?? []).map((j) =>
        h("div", { class: `judge-cell ${cell(j)}`, "data-testid": `judge-${j.judge}`, title: t("admin.panel", { panel: judgePanel(j.judge) }) },
          data("div", judgeName(j.judge), { class: "name" }),
          h("div", { class: "state" }, t(JUDGE_STATE[cell(j)])), presenceOf(j.judge)))));
  }
  $("stage").replaceChildren(...parts);
}

/** Call a contestant; if the one on stage is still being scored with judges missing, ask
 * first: their scoring stays open, and is closed from the run of show. */
function callContestant(id) {
  const on = progress?.on_stage;
  const ask = on?.scoring_open && on.contestant !== id && on.missing.length
    ? tdata("admin.ask_call_while_open", { name: on.name, n: on.missing.length, names: on.missing.map(judgeName).join(t("list.separator")), next: nameOf(id) })
    : null;
  return command("stage", { contestant: id }, { ask, confirmLabel: t("admin.call") });
}

/** Close scoring, asking first when judges are missing or the result would be withheld. */
function closeScoring(on) {
  // a paper sheet waiting for its second organiser: closing is refused, so say that, not who is missing
  const paper = (audit?.paper_sheets ?? []).find((p) => p.status === "pending" && p.contestant === on.contestant);
  if (paper) return toast(t("admin.close_paper_pending", { judge: judgeName(paper.judge) }));
  const warning = withholding(on.contestant, "close");
  const missing = on.missing.length ? tdata("admin.ask_close_missing", { n: on.missing.length, names: on.missing.map(judgeName).join(t("list.separator")) }) : null;
  const ask = warning || missing ? h("span", {}, warning, warning ? h("br") : null, missing ?? t("admin.ask_close")) : null;
  return command("close", { contestant: on.contestant }, { ask, confirmLabel: t("admin.close") });
}

/** Said before revealing a result left incomplete for want of a prior score (docs/rules.md §7):
 * which one, so the organiser can record it first. */
function incompleteWarning(id) {
  const lacking = missingPriors(row(id));
  if (!lacking.length) return null;
  return h("strong", { "data-testid": "incomplete-warning" }, tdata("admin.incomplete_reveal", { sources: lacking.join(t("list.separator")) }));
}

/** The labels of the prior scores not recorded for `id`, from the audit view: known before
 * scoring closes, when the board cannot tell yet. */
function priorsLacking(id) {
  return (audit?.missing_priors ?? []).filter((m) => m.contestants.includes(id)).map((m) => label(m.label) || m.source);
}

function reveal(id, name) {
  const warning = withholding(id, "reveal") ?? incompleteWarning(id);
  const ask = tdata("admin.ask_reveal", { name });
  return command("reveal", { contestant: id }, { ask: warning ? h("span", {}, warning, h("br"), ask) : ask, confirmLabel: t("admin.reveal") });
}

/** A result revealed incomplete, its missing prior score recorded since: the server takes a
 * second reveal (docs/rules.md §12), and the organisers' board row says so (`reveal_again`). */
function revealAgain(id, name) {
  return command("reveal", { contestant: id }, { ask: tdata("admin.ask_reveal_again", { name }), confirmLabel: t("admin.reveal_again") });
}

/** Whether closing by itself is held back: every judge has answered, but too few marks count
 * (abstentions), so closing would withhold the result; the organiser decides. */
function autoCloseHeld(on) {
  return autoClose.on && on?.scoring_open && !on.missing.length && on.expected.length > 0 && Boolean(withholding(on.contestant, "close"));
}

function maybeAutoClose() {
  const on = progress?.on_stage;
  if (!autoClose.on || !on?.scoring_open || on.missing.length || !on.expected.length || autoClose.sent === on.contestant) return;
  if (autoCloseHeld(on)) return; // said on the stage card; a later board may count more marks
  autoClose.sent = on.contestant;
  command("close", { contestant: on.contestant });
}

/** Paper sheets keyed in for a judge, waiting for a second admin to confirm or reject them. */
function renderPaper() {
  const waiting = (audit?.paper_sheets ?? []).filter((p) => p.status === "pending");
  const el = $("paper");
  el.classList.toggle("hidden", !waiting.length);
  fill(el,
    h("h2", {}, t("admin.paper_pending")),
    me ? h("p", { class: "muted" }, tdata("admin.you_are", { id: me.id })) : null,
    h("ul", { class: "paper-list" }, waiting.map((p) => {
      const total = p.total === null ? t("audit.abstain") : padScore(p.total, totalPlaces(setup)); // never rounded
      const what = { judge: judgeName(p.judge), name: nameOf(p.contestant), total };
      const own = me?.id === p.entered_by;
      return h("li", { "data-testid": `paper-${p.sheet}` },
        tdata("admin.paper_line", { ...what, admin: p.entered_by }), " ",
        h("span", { class: "muted" }, (setup?.criteria ?? []).map((c) => `${label(c.label)} ${p.points[c.key] ?? "—"}`).join(t("list.separator"))),
        h("div", { class: "row" },
          h("button", { type: "button", disabled: own, title: own ? t("admin.paper_own") : "", "data-testid": "paper-confirm",
            onclick: () => command("paper-sheets/confirm", { sheet: p.sheet }, { ask: tdata("admin.ask_paper_confirm", what), confirmLabel: t("admin.paper_confirm") }) }, t("admin.paper_confirm")),
          h("button", { type: "button", class: "danger", "data-testid": "paper-reject",
            onclick: () => withReason(tdata("admin.ask_paper_reject", what), t("admin.paper_reject"), (reason) => command("paper-sheets/reject", { sheet: p.sheet, reason })) }, t("admin.paper_reject")),
          own ? h("span", { class: "muted" }, t("admin.paper_own")) : null));
    })));
}

const drawDraft = { seed: "", byGroup: false }; // the draw's form as the organiser left it

function renderShow() {
  const r = round();
  const list = order();
  // drawn once, before anyone is called (the server refuses otherwise: already_drawn, show_started)
  const started = list.some((id) => !["waiting", "withdrawn", "disqualified"].includes(stateOf(id)));
  // what the organiser typed and ticked survives the re-renders of every view that comes meanwhile
  const seedInput = h("input", { id: "seed", value: r?.seed ?? drawDraft.seed, "aria-label": t("admin.seed"), placeholder: t("admin.seed_hint"), oninput: (e) => { drawDraft.seed = e.target.value; } });
  const parts = [
    h("h2", {}, t("admin.run_of_show")),
    h("div", { class: "row" },
      h("span", {}, t("admin.seed"), t("punct.colon")), r?.seed ? data("span", r.seed, { class: "seed", "data-testid": "seed" }) : h("span", { class: "muted" }, t("admin.not_drawn"))),
  ];
  // a show run group by group draws within each group, the groups in their order
  const byGroup = h("input", { type: "checkbox", "data-testid": "draw-by-group", checked: drawDraft.byGroup, onchange: (e) => { drawDraft.byGroup = e.target.checked; } });
  const groups = new Set(list.map((id) => contestant(id)?.group)).size;
  if (!r?.seed) parts.push(h("div", { class: "row" }, seedInput,
    groups > 1 ? h("label", {}, byGroup, " ", t("admin.draw_by_group")) : null,
    h("button", { type: "button", class: "secondary", disabled: started || busy("draw"), "data-testid": "draw", onclick: () => {
      const seed = seedInput.value.trim() || String(Date.now());
      const by_group = byGroup.checked;
      command("draw", { round: r?.round ?? board?.round, seed, by_group }, { ask: tdata(by_group ? "admin.ask_draw_by_group" : "admin.ask_draw", { seed }), confirmLabel: t("admin.draw") });
    } }, t("admin.draw")),
    started ? h("span", { class: "muted", "data-testid": "draw-too-late" }, t("admin.draw_too_late")) : null));
  // a step does not wait for the screens' pages: say where the names of pages stepped past go
  if (board?.awards_published) parts.push(h("p", { class: "muted", "data-testid": "awards-roll" }, t("admin.awards_roll")));
  parts.push(h("table", {},
    h("thead", {}, h("tr", {}, ["#", t("admin.contestant"), t("admin.group"), t("admin.status"), t("admin.final"), ""].map((x) => h("th", {}, x)))),
    h("tbody", {}, list.map((id, i) => {
      const state = stateOf(id);
      const r = row(id);
      const name = nameOf(id);
      const offStage = progress?.on_stage?.contestant !== id;
      return h("tr", { class: progress?.on_stage?.contestant === id ? "current" : "", dataset: { contestant: id } },
        h("td", { class: "num" }, i + 1),
        h("td", {}, data("span", name), " ", data("span", id, { class: "muted" })),
        h("td", { class: "group" }, data("span", groupName(contestant(id)?.group ?? r?.group))),
        h("td", {}, h("span", { class: `badge ${state}` }, t(`admin.state_${state}`))),
        h("td", { class: "num" }, r?.final ? formatScore(r.final, board.decimals) : state !== "open" && withheld(r) ? statusText(r) : ""),
        h("td", { class: "actions" },
          h("button", { type: "button", class: "secondary", disabled: (state !== "waiting" && state !== "called") || busy("stage"), onclick: () => callContestant(id) }, t("admin.call")),
          // off stage and left open or unrevealed (the next one was called): finished from here
          offStage && state === "open" ? h("button", { type: "button", disabled: busy("close"), "data-testid": "row-close", onclick: () => closeScoring(progress.open.find((c) => c.contestant === id)) }, t("admin.close")) : null,
          offStage && state === "closed" ? h("button", { type: "button", disabled: busy("reveal"), "data-testid": "row-reveal", onclick: () => reveal(id, name) }, t("admin.reveal")) : null,
          offStage && r?.reveal_again ? h("button", { type: "button", disabled: busy("reveal"), "data-testid": "row-reveal-again", onclick: () => revealAgain(id, name) }, t("admin.reveal_again")) : null,
          // a final round's results do not change (results_final): nobody leaves them now
          h("button", { type: "button", class: "danger", disabled: state === "withdrawn" || state === "disqualified" || Boolean(board?.final), title: board?.final ? t("admin.finalised") : "", onclick: () => withReason(tdata("admin.ask_withdraw", { name }), t("admin.withdraw"), (reason) => command("withdraw", { contestant: id, reason })) }, t("admin.withdraw"))));
    }))));
  const typing = document.activeElement?.id === "seed" ? document.activeElement.selectionStart : null;
  $("show").replaceChildren(...parts);
  if (typing !== null && seedInput.isConnected) {
    seedInput.focus();
    seedInput.setSelectionRange(typing, typing);
  }
  followStage(list);
}

/** The screens' awards presentation, stepped from here (AwardsStepShown in the log): a bar
 * held at the foot of the window once the awards are published, so the next step is at hand
 * wherever the organiser has scrolled (the run of show follows the stage, the awards' form is
 * a screen below it on a laptop). */
function renderCeremony() {
  const bar = $("ceremony");
  if (!board?.awards_published) {
    bar.classList.add("hidden");
    bar.replaceChildren();
    return;
  }
  const total = board.award_order.length;
  // a step is absolute: count from the last one acknowledged, which the board may not show yet
  const ack = awardsAck?.round === board.round && awardsAck.seq > (board.seq ?? 0) ? awardsAck : null;
  const step = ack ? ack.step : board.awards_step ?? 0;
  const stepping = busy("awards/step");
  const go = async (n) => {
    const round = board.round;
    const receipt = await command("awards/step", { round, step: n });
    if (receipt) awardsAck = { round, step: n, seq: receipt.seq };
    render();
  };
  bar.classList.remove("hidden");
  bar.replaceChildren(h("div", { class: "row" },
    h("span", { "data-testid": "awards-step" }, t("admin.awards_step_of", { n: step, m: total })),
    h("button", { type: "button", class: "secondary", disabled: step <= 0 || stepping, "data-testid": "award-previous", onclick: () => go(step - 1) }, t("admin.award_previous")),
    h("button", { type: "button", disabled: step >= total || stepping, "data-testid": "award-next", onclick: () => go(step + 1) }, t("admin.award_next"))));
}

/** Scroll the run of show to the contestant on stage when they change (or their row moves):
 * with a hundred rows, the one called is otherwise out of sight. Only then, so the organiser
 * may scroll it freely meanwhile. */
function followStage(list) {
  const on = progress?.on_stage?.contestant;
  const where = on ? `${on}@${list.indexOf(on)}/${list.length}` : null;
  if (!on || where === showScrolled) return;
  const box = $("show");
  const tr = box.querySelector(`tr[data-contestant="${CSS.escape(on)}"]`);
  if (!tr) return;
  showScrolled = where;
  const b = box.getBoundingClientRect(), r = tr.getBoundingClientRect();
  // in sight already: leave it; else a third of the way down, the ones before it still in view
  if (r.top >= b.top && r.bottom <= b.bottom) return;
  box.scrollTop += r.top - b.top - box.clientHeight / 3;
}

/** The prior scores of the round under way (an expert review …): how many contestants lack each,
 * who, and a form to record one. In a round some carry a score into from an earlier one (the
 * final, after the heats), it may have a review of its own: the form then lists every member,
 * saying who has this round's score and who carries an earlier one. Drawn again only when that
 * changes, since it holds a form. */
function renderPriors() {
  const el = $("priors");
  const button = el.querySelector('[data-testid="prior-record"]');
  if (button) button.disabled = busy("prior-scores");
  const here = audit?.round;
  const sources = (audit?.priors ?? []).map((p) => ({
    ...p,
    lacking: p.contestants.filter((c) => c.value == null).map((c) => c.contestant),
    carried: p.contestants.filter((c) => c.value != null && c.round !== here),
  })).filter((p) => p.contestants.length);
  // every score recorded: the card stays, folded, for a mistyped one to be corrected
  const complete = sources.every((m) => !m.lacking.length && !m.carried.length);
  const drawn = JSON.stringify([currentLanguage(), here, sources, Boolean(setup)]);
  if (drawn === priorsDrawn) return;
  priorsDrawn = drawn;
  el.classList.toggle("hidden", !sources.length);
  if (!sources.length) return el.replaceChildren();
  const roundName = (id) => label(setup?.rounds?.find((r) => r.round === id)?.name) || id;
  const sourceName = (m) => label(m.label) || m.source;
  const held = (m, id) => m.contestants.find((c) => c.contestant === id);
  /** Whether the contestant has this round's score, carries one, or has none: said of the one chosen. */
  const standing = (m, id, key) => {
    const c = held(m, id);
    if (c?.value == null) return null;
    const params = { name: nameOf(id), source: sourceName(m), value: c.value, round: roundName(c.round), here: roundName(here) };
    return c.round === here ? tdata(`admin.prior_own${key}`, params) : tdata(`admin.prior_carried${key}`, params);
  };
  const source = select(sources.map((m) => [m.source, sourceName(m)]), { "data-testid": "prior-source" });
  const who = select([], { "data-testid": "prior-contestant" });
  const status = h("p", { class: "muted", "data-testid": "prior-status" });
  const chosen = () => sources.find((x) => x.source === source.value) ?? sources[0];
  const said = () => status.replaceChildren(standing(chosen(), who.value, "") ?? "");
  const fit = () => {
    const m = chosen();
    // those lacking one while nobody carries an earlier round's; else every member
    const listed = m.lacking.length && !m.carried.length ? m.lacking : m.contestants.map((c) => c.contestant);
    who.replaceChildren(...listed.map((id) => {
      const c = held(m, id);
      const note = c?.value == null ? "" : ` · ${t(c.round === here ? "admin.prior_own_short" : "admin.prior_carried_short", { value: c.value, round: roundName(c.round) })}`;
      return h("option", { value: id, translate: "no" }, `${nameOf(id)} (${id})${note}`);
    }));
    const next = m.lacking[0] ?? m.carried[0]?.contestant; // the next to record: one lacking, else one carrying
    if (next) who.value = next;
    said();
  };
  source.addEventListener("input", fit);
  who.addEventListener("input", said);
  fit();
  const value = h("input", { inputmode: "decimal", autocomplete: "off", "data-testid": "prior-value" });
  const missing = sources.some((m) => m.lacking.length);
  const heading = t(missing ? "admin.priors" : "admin.priors_round");
  const body = [
    sources.map((m) => [
      m.lacking.length ? [
        h("p", { "data-testid": `priors-missing-${m.source}` }, h("strong", {}, tdata("admin.priors_missing", { n: m.lacking.length, source: sourceName(m) }))),
        data("p", m.lacking.map(nameOf).join(t("list.separator")), { class: "muted names", "data-testid": `priors-list-${m.source}` }),
      ] : null,
      [...new Set(m.carried.map((c) => c.round))].map((from) => h("p", { "data-testid": `priors-carried-${m.source}` },
        tdata("admin.priors_carried", { n: m.carried.filter((c) => c.round === from).length, source: sourceName(m), round: roundName(from), here: roundName(here) }))),
      complete ? h("p", { class: "muted", "data-testid": `priors-complete-${m.source}` }, tdata("admin.priors_complete", { n: m.contestants.length, source: sourceName(m) })) : null,
    ]),
    missing ? h("p", { class: "muted" }, t("admin.priors_hint")) : null,
    h("div", { class: "row" },
      sources.length > 1 ? field(t("admin.prior_source"), source) : null,
      field(t("admin.contestant"), who),
      field(t("admin.prior_value"), value),
      h("button", { type: "button", disabled: busy("prior-scores"), "data-testid": "prior-record", onclick: () => {
        const text = value.value.trim().replace(",", ".");
        if (!/^\d+(\.\d+)?$/.test(text)) return toast(t(text ? "mark.not_number" : "mark.empty"));
        const m = chosen();
        // for the round under way (and on): an earlier round, final, keeps its own
        const body = { contestant: who.value, source: m.source, value: text };
        if (here) body.round = here;
        const ask = tdata("admin.ask_prior", { name: nameOf(who.value), source: sourceName(m), value: text });
        const replaces = standing(m, who.value, "_replace");
        command("prior-scores", body, { ask: replaces ? h("span", {}, replaces, h("br"), ask) : ask, confirmLabel: t("admin.prior_record") });
      } }, t("admin.prior_record"))),
    status,
  ];
  if (complete) fill(el, h("details", { "data-testid": "priors-folded" }, h("summary", {}, heading), body));
  else fill(el, h("h2", {}, heading), body);
}

/** A reason, asked once in the same dialog that confirms the action. */
async function withReason(question, confirmLabel, act) {
  const reason = h("textarea", { rows: 2, required: true, "aria-label": t("admin.reason") });
  const ok = await confirmOnce(h("span", {}, question, h("label", { class: "field" }, t("admin.reason"), reason)), confirmLabel,
    { ready: () => reason.value.trim() !== "" });
  if (ok) await act(reason.value.trim());
}

/** A choice of the judges whose panel scores the contestant chosen in `who`, kept to them
 * as the choice changes: with 80 judges in four panels, the twenty who may score them. */
function panelJudges(who, attrs = {}) {
  const judges = select([], attrs);
  const fit = () => {
    const group = contestant(who.value)?.group;
    const chosen = judges.value;
    const fits = (setup.judges ?? []).filter((j) => !group || (j.groups ?? []).includes(group));
    judges.replaceChildren(...fits.map((j) => h("option", { value: j.judge, translate: "no" }, `${j.name} (${j.judge})`)));
    if (fits.some((j) => j.judge === chosen)) judges.value = chosen;
  };
  who.addEventListener("input", fit);
  fit();
  return judges;
}

function field(labelText, input) {
  return h("label", { class: "field" }, labelText, input);
}

function select(options, attrs = {}) {
  return h("select", attrs, options.map(([value, text]) => h("option", { value, translate: "no" }, text)));
}

function renderTools() {
  if (!setup) return;
  const judges = (setup.judges ?? []).map((j) => [j.judge, `${j.name} (${j.judge})`]);
  // out of the competition: the server refuses a paper sheet for them (contestant_withdrawn,
  // contestant_disqualified), so it is not offered; an amendment of a mark given before they
  // left, or a recusal, it takes: offered, their status beside their name
  const out = (id) => (contestant(id)?.withdrawn ? "withdrawn" : contestant(id)?.disqualified ? "disqualified" : null);
  const people = order().map((id) => [id, `${nameOf(id)} (${id})${out(id) ? ` · ${t(`admin.state_${out(id)}`)}` : ""}`]);
  const competing = people.filter(([id]) => !out(id));
  const places = setup.places ?? 1;

  const amendWho = select(people), amendJudge = panelJudges(amendWho), amendReason = h("input", {});
  const marks = (setup.criteria ?? []).map((c) => [c, h("input", { inputmode: "decimal", name: c.key })]);
  const amend = h("details", {}, h("summary", {}, t("admin.amend")),
    field(t("admin.judge"), amendJudge), field(t("admin.contestant"), amendWho),
    marks.map(([c, input]) => field(`${label(c.label)} (${t("admin.max", { max: c.maximum })})`, input)),
    field(t("admin.reason"), amendReason),
    h("button", { type: "button", class: "danger", onclick: () => {
      const problem = marks.map(([c, input]) => markProblem(input.value, c.maximum, places) && `${label(c.label)}${t("punct.colon")}${t(markProblem(input.value, c.maximum, places), { max: c.maximum, places })}`).find(Boolean);
      if (problem) return toast(problem);
      if (!amendReason.value.trim()) return toast(t("admin.reason_needed"));
      const points = Object.fromEntries(marks.map(([c, input]) => [c.key, input.value.trim()]));
      command("amend", { judge: amendJudge.value, contestant: amendWho.value, points, reason: amendReason.value.trim() },
        { ask: tdata("admin.ask_amend", { judge: judgeName(amendJudge.value), name: nameOf(amendWho.value) }), confirmLabel: t("admin.amend") });
    } }, t("admin.amend")));

  const paperWho = select(competing, { "data-testid": "paper-contestant" });
  const onStage = () => competing.some(([id]) => id === progress?.on_stage?.contestant);
  if (onStage()) paperWho.value = progress.on_stage.contestant;
  const paperJudge = panelJudges(paperWho, { "data-testid": "paper-judge" });
  paperWho.addEventListener("change", () => { paperWho.dataset.chosen = "1"; });
  const paperMarks = (setup.criteria ?? []).map((c) => [c, h("input", { inputmode: "decimal", name: c.key, "data-testid": `paper-${c.key}` })]);
  // opened: the contestant on stage, unless one was chosen already
  const paper = h("details", { "data-testid": "paper-form", ontoggle: (e) => {
    if (e.target.open && !paperWho.dataset.chosen && onStage()) paperWho.value = progress.on_stage.contestant;
    paperWho.dispatchEvent(new Event("input")); // the judges who may score whoever it is now
  } },
    h("summary", {}, t("admin.paper")),
    h("p", { class: "muted" }, t("admin.paper_hint")),
    field(t("admin.judge"), paperJudge), field(t("admin.contestant"), paperWho),
    paperMarks.map(([c, input]) => field(`${label(c.label)} (${t("admin.max", { max: c.maximum })})`, input)),
    h("button", { type: "button", "data-testid": "paper-enter", onclick: async () => {
      const problem = paperMarks.map(([c, input]) => markProblem(input.value, c.maximum, places) && `${label(c.label)}${t("punct.colon")}${t(markProblem(input.value, c.maximum, places), { max: c.maximum, places })}`).find(Boolean);
      if (problem) return toast(problem);
      const points = Object.fromEntries(paperMarks.map(([c, input]) => [c.key, input.value.trim()]));
      const receipt = await command("paper-sheets", { sheet: paperSheet, judge: paperJudge.value, contestant: paperWho.value, points });
      if (!receipt) return; // refused or not sent: a retry keeps the same sheet id
      toast(t("admin.paper_entered", { seq: receipt.seq }), "info");
      paperSheet = paperId();
      for (const [, input] of paperMarks) input.value = "";
    } }, t("admin.paper_enter")));

  const recuseJudge = select(judges, { "data-testid": "recuse-judge" }), recuseReason = h("input", {});
  // a judge who has left keeps the marks given (for everyone, the default); a conflict found
  // out strikes them (for one contestant, the default), unless the organiser says otherwise
  const recuseKeep = h("input", { type: "checkbox", checked: true, "data-testid": "recuse-keep", onchange: (e) => { if (e.isTrusted) recuseKeep.dataset.chosen = "1"; } });
  const recuseWho = select([["", t("admin.everyone")], ...people], { onchange: () => { if (!recuseKeep.dataset.chosen) recuseKeep.checked = !recuseWho.value; } });
  const recuse = h("details", {}, h("summary", {}, t("admin.recuse")),
    h("p", { class: "muted" }, t("admin.recuse_hint")),
    field(t("admin.judge"), recuseJudge), field(t("admin.contestant"), recuseWho), field(t("admin.reason"), recuseReason),
    h("label", {}, recuseKeep, " ", t("admin.recuse_keep")),
    h("button", { type: "button", class: "danger", onclick: () => {
      if (!recuseReason.value.trim()) return toast(t("admin.reason_needed"));
      const body = { judge: recuseJudge.value, reason: recuseReason.value.trim() };
      if (recuseWho.value) body.contestant = recuseWho.value;
      if (recuseKeep.checked) body.keep_marks = true;
      // from the round under way on: an earlier round, final or not, keeps the judge's marks
      const from = round();
      if (from) body.round = from.round;
      // say for whom, and what becomes of the marks given: a departure reads very differently
      // from a conflict, and for everyone from for one contestant
      const whom = recuseWho.value ? "_for" : "";
      const params = { judge: judgeName(recuseJudge.value), contestant: recuseWho.value ? nameOf(recuseWho.value) : "" };
      const ask = recuseKeep.checked ? tdata(`admin.ask_leave${whom}`, params)
        : from ? tdata(`admin.ask_recuse_from${whom}`, { ...params, round: label(from.name) || from.round })
        : tdata(`admin.ask_recuse${whom}`, params);
      command("recuse", body, { ask, confirmLabel: t("admin.recuse") });
    } }, t("admin.recuse")));

  // a substitute for a judge who has left: on a panel, expected from now on as its judges are
  const panels = [...new Set((setup.judges ?? []).map((j) => j.panel))];
  const newJudge = { judge: h("input", { autocomplete: "off", "data-testid": "new-judge-id" }), name: h("input", { autocomplete: "off", "data-testid": "new-judge-name" }),
    organisation: h("input", { autocomplete: "off", "data-testid": "new-judge-organisation" }), panel: select(panels.map((p) => [p, p]), { "data-testid": "new-judge-panel" }) };
  const addJudge = h("details", { "data-testid": "add-judge" }, h("summary", {}, t("admin.add_judge")),
    h("p", { class: "muted" }, t("admin.add_judge_hint")),
    field(t("admin.new_judge_id"), newJudge.judge), field(t("admin.new_judge_name"), newJudge.name),
    field(t("admin.new_judge_organisation"), newJudge.organisation), field(t("admin.panel_col"), newJudge.panel),
    h("button", { type: "button", class: "danger", "data-testid": "add-judge-button", onclick: async () => {
      const body = Object.fromEntries(Object.entries(newJudge).map(([key, input]) => [key, input.value.trim()]));
      if (!body.judge || !body.name || !body.organisation) return toast(t("admin.add_judge_needed"));
      const receipt = await command("judges", body, { ask: tdata("admin.ask_add_judge", { name: body.name, panel: body.panel }), confirmLabel: t("admin.add_judge") });
      if (receipt) for (const key of ["judge", "name", "organisation"]) newJudge[key].value = "";
    } }, t("admin.add_judge")));

  const rounds = setup.rounds ?? [];
  const current = round();
  const later = rounds.filter((r) => r.round !== current?.round && !r.opened);
  const toRound = select(later.map((r) => [r.round, label(r.name) || r.round]));
  // the last round has nowhere to advance to: hidden, not left out (redrawKeeping pairs forms by place)
  const advance = h("details", { hidden: !later.length, "data-testid": "advance" }, h("summary", {}, t("admin.advance")),
    field(t("admin.to_round"), toRound),
    h("button", { type: "button", class: "danger", disabled: !later.length || !current, onclick: () => {
      const target = later.find((r) => r.round === toRound.value);
      command("advance", { from_round: current.round, to_round: target.round, name: target.name },
        { ask: t("admin.ask_advance", { from: label(current.name), to: label(target.name) }), confirmLabel: t("admin.advance") });
    } }, t("admin.advance")));

  // drawn again as the set-up changes (from any console): what is being typed stays, and where
  redrawKeeping($("tools"), () => $("tools").replaceChildren(h("h2", {}, t("admin.tools")), paper, amend, recuse, addJudge, advance, awardsForm()));
}

let awardsBySteps = true; // the organiser's choice, kept while the form is drawn again

/** Publish and finalise the awards: refused by the server while a contestant is unfinished,
 * so disabled then, saying how many. Stepped from here (the default), the first publication
 * starts the ceremony at step 0, so no phone shows an award before the stage announces it. */
function awardsForm() {
  const shown = round() ?? (setup?.rounds ?? []).find((r) => r.round === board?.round);
  const waiting = board?.final ? 0 : unfinished(board) ?? 0;
  const why = waiting ? t("admin.awards_unfinished", { n: waiting }) : "";
  const first = !board?.awards_published; // published again, the ceremony keeps its way
  const bySteps = h("input", { type: "checkbox", checked: awardsBySteps, "data-testid": "awards-by-steps", onchange: (e) => { awardsBySteps = e.target.checked; } });
  return h("details", { "data-testid": "awards-form" }, h("summary", {}, t("admin.awards")),
    h("p", { class: "muted" }, board?.final ? t("admin.finalised") : board?.awards_published ? t("admin.awards_published") : t("admin.awards_hint")),
    board?.awards_outdated ? awardsOutdated() : null,
    awardsPreview(waiting),
    first ? h("label", {}, bySteps, " ", t("admin.awards_by_steps")) : null,
    h("div", { class: "row" },
      h("button", { type: "button", class: "danger", disabled: !shown || board?.final || waiting > 0, title: why, "data-testid": "publish-awards", onclick: () =>
        command("awards", { round: shown.round, ...(first && awardsBySteps ? { by_steps: true } : {}) }, { ask: t("admin.ask_awards", { round: label(shown.name) }), confirmLabel: t("admin.awards") }) }, t("admin.awards")),
      h("button", { type: "button", class: "danger", disabled: !shown || !board?.awards_published || board?.final || waiting > 0 || board?.awards_outdated, title: why, "data-testid": "finalise", onclick: () =>
        command("finalise", { round: shown.round }, { ask: t("admin.ask_finalise", { round: label(shown.name) }), confirmLabel: t("admin.finalise") }) }, t("admin.finalise")),
      waiting ? h("span", { class: "muted", "data-testid": "awards-unfinished" }, why) : null),
    h("p", { class: "muted" }, t("admin.finalise_hint")));
}

/** The results changed after the awards were published: the screens and the phones show
 * the awards as published (ranks 6 and 7 with a third prize, rank 5 with none) until they
 * are published again, and the round cannot be finalised. */
function awardsOutdated() {
  return h("p", { class: "warn", role: "alert", "data-testid": "awards-outdated" }, t("admin.awards_outdated"));
}

/** How many each award tier would get if the awards were published now, as the organisers'
 * board counts them (`award_counts`: from the standings the server publishes, never counted
 * here); provisional while `waiting` contestants are unfinished. */
function awardsPreview(waiting) {
  const counts = board?.award_counts ?? [];
  if (!counts.length || board?.final) return null;
  return h("div", { class: "preview", "data-testid": "awards-preview" },
    h("table", {},
      h("caption", { class: "muted" }, t(board.awards_published ? "admin.preview_again" : "admin.preview")),
      h("thead", {}, h("tr", {}, h("th", {}, t("admin.preview_award")), h("th", {}, t("admin.preview_count")))),
      h("tbody", {}, counts.map((c) => h("tr", { "data-award": c.award },
        h("td", {}, data("span", label(c.name) || c.award),
          c.eliminates ? h("span", { class: "muted" }, ` ${t("admin.preview_eliminates")}`) : null,
          !c.count ? h("span", { class: "muted", "data-testid": `preview-none-${c.award}` }, ` ${t("admin.preview_nobody")}`) : null),
        h("td", { class: "num", "data-testid": `preview-${c.award}` }, String(c.count)))))),
    waiting ? h("p", { class: "warn", "data-testid": "awards-provisional" }, t("admin.preview_provisional", { n: waiting })) : null);
}

/** The awards' form alone drawn again (open if it was): as contestants finish, without
 * redrawing the other tools, whose forms may hold what the organiser is typing. */
function renderAwards() {
  const old = $("tools").querySelector('[data-testid="awards-form"]');
  if (!old) return;
  const form = awardsForm();
  form.open = old.open;
  old.replaceWith(form);
}

function renderJudges() {
  if (!setup) return;
  const list = setup.judges ?? [];
  $("judges").replaceChildren(
    h("h2", {}, t("admin.judges")),
    h("div", { class: "row" }, h("button", { type: "button", class: "secondary", onclick: printSheet }, t("admin.print_sheet"))),
    h("table", {},
      h("thead", {}, h("tr", {}, [t("admin.judge"), t("admin.panel_col"), ""].map((x) => h("th", {}, x)))),
      h("tbody", {}, list.map((j) => h("tr", { dataset: { judge: j.judge } },
        h("td", {}, data("span", j.name), " ", data("span", j.judge, { class: "muted" }),
          issued.has(j.judge) ? h("div", { class: "issued" }, h("div", { class: "qr" }), data("span", issued.get(j.judge).link, { class: "link" })) : null),
        h("td", {}, data("span", j.panel)),
        h("td", { class: "actions" },
          h("button", { type: "button", class: "secondary", onclick: () => reissue(j) }, t("admin.new_link")),
          h("button", { type: "button", class: "danger", onclick: () => revoke(j) }, t("admin.revoke"))))))),
  );
  for (const [judge, value] of issued) {
    const cell = [...$("judges").querySelectorAll("tr")].find((tr) => tr.dataset.judge === judge)?.querySelector(".qr");
    if (cell && value.svg) cell.innerHTML = value.svg;
  }
}

/** A link the server made. It names its public URL; when it serves on a port picked at
 * start (--port 0) it may not know that port yet and says ":0" — use ours then. */
function linkHere(link) {
  const url = new URL(link);
  return url.port === "0" ? `${location.origin}${url.pathname}${url.hash}` : link;
}

async function svgOf(link) {
  try {
    return await qrSvg(link);
  } catch {
    return ""; // the card keeps its name and panel; the link is on the screen
  }
}

function rememberIssued() {
  sessionStorage.setItem(issuedKey(cid), JSON.stringify(Object.fromEntries([...issued].map(([judge, { link }]) => [judge, link]))));
}

/** The links this tab issued before (at the creation of the competition), their QR codes drawn when printed. */
function recallIssued() {
  let links = {};
  try {
    links = JSON.parse(sessionStorage.getItem(issuedKey(cid)) ?? "{}") ?? {};
  } catch {
    links = {};
  }
  for (const [judge, link] of Object.entries(links)) if (!issued.has(judge)) issued.set(judge, { link, svg: "" });
  // drawn beside each judge's link, as an issue draws it, once the server has made them
  drawQrCodes().then(renderJudges);
}

/** The QR codes of the issued links not drawn yet. */
async function drawQrCodes() {
  await Promise.all([...issued.values()].filter((v) => !v.svg).map(async (v) => { v.svg = await svgOf(v.link); }));
}

async function issue(judge) {
  const answer = await api(`/api/competitions/${enc(cid)}/judges/${enc(judge)}/token`, { method: "POST", token });
  const link = linkHere(answer.link);
  issued.set(judge, { link, svg: await svgOf(link) });
  rememberIssued();
}

async function reissue(j) {
  if (!(await confirmOnce(tdata("admin.ask_new_link", { name: j.name }), t("admin.new_link")))) return;
  try {
    await issue(j.judge);
  } catch (error) {
    toast(error.message);
  }
  renderJudges();
}

async function revoke(j) {
  if (!(await confirmOnce(tdata("admin.ask_revoke", { name: j.name }), t("admin.revoke")))) return;
  try {
    await api(`/api/competitions/${enc(cid)}/judges/${enc(j.judge)}/token`, { method: "DELETE", token });
    issued.delete(j.judge);
    rememberIssued();
    toast(tdata("admin.revoked", { name: j.name }), "info");
  } catch (error) {
    toast(error.message);
  }
  renderJudges();
}

async function printSheet() {
  const list = setup?.judges ?? [];
  const missing = list.filter((j) => !issued.has(j.judge));
  if (missing.length && !(await confirmOnce(t("admin.ask_print", { n: missing.length }), t("admin.print_sheet")))) return;
  try {
    for (const j of missing) await issue(j.judge);
  } catch (error) {
    toast(error.message);
    return;
  }
  await drawQrCodes();
  renderJudges();
  printCards(list.map((j) => ({ name: j.name, panel: j.panel, svg: issued.get(j.judge)?.svg })), setup.title);
}

/** The print sheet, one card a judge: the QR code of their link, name, panel and the
 * competition's title; then the browser's print dialog. */
function printCards(cards, title) {
  $("print").replaceChildren(...cards.map(({ name, panel, svg }) => {
    const card = h("div", { class: "print-card" }, h("div", { class: "qr" }), data("h3", name), h("div", {}, t("admin.panel", { panel })), data("div", label(title)));
    card.querySelector(".qr").innerHTML = svg ?? "";
    return card;
  }));
  print();
}

/** The cards of the judges' links a creation just answered ({judge: link}), issuing nothing:
 * their names and panels are the new competition's public set-up. */
async function printCreated(stream, links) {
  const made = await loadSetup(stream);
  const roster = new Map((made.judges ?? []).map((j) => [j.judge, j]));
  const cards = await Promise.all(Object.entries(links).map(async ([judge, link]) =>
    ({ name: roster.get(judge)?.name ?? judge, panel: roster.get(judge)?.panel ?? "", svg: await svgOf(link) })));
  printCards(cards, made.title);
}

/** What a sound file's check says is worth a look before the show, as `leitai check` prints it:
 * the judges who stand aside for contestants of their own organisation, and the prior scores
 * lacking. Folded, a line a judge or a score, so that 100 contestants and 80 judges stay readable. */
function checkNotes(answer) {
  const asides = answer.stand_asides ?? [];
  const byJudge = new Map();
  for (const a of asides) {
    if (!byJudge.has(a.judge)) byJudge.set(a.judge, { name: a.judge_name, organisation: a.organisation, contestants: [] });
    byJudge.get(a.judge).contestants.push(a.contestant_name);
  }
  const notes = [asides.length
    ? h("details", { "data-testid": "check-stand-asides" },
      h("summary", {}, t("admin.check_stand_asides", { n: asides.length, judges: byJudge.size })),
      h("ul", {}, [...byJudge].map(([judge, j]) => h("li", {},
        data("span", j.name), " ", data("span", judge, { class: "muted" }), " → ",
        data("span", j.contestants.join(t("list.separator"))), " ", data("span", `(${j.organisation})`, { class: "muted" })))))
    : h("p", { class: "muted", "data-testid": "check-stand-asides" }, t("admin.check_no_stand_asides"))];
  for (const m of answer.missing_priors ?? []) {
    notes.push(h("details", { "data-testid": `check-missing-${m.source}` },
      h("summary", {}, tdata("admin.check_missing_prior", { n: m.contestants.length, source: label(m.label) || m.source })),
      data("p", m.contestants.map((c) => c.name).join(t("list.separator")), { class: "muted names" })));
  }
  return notes;
}

function renderExports() {
  if (!setup) return;
  const languages = setup.languages ?? ["zh-CN", "en"];
  const lang = select(languages.map((l) => [l, t(`lang.${l}`)]), { "data-testid": "export-lang" });
  lang.value = languages.includes(currentLanguage()) ? currentLanguage() : languages[0];
  const rounds = (setup.rounds ?? []).filter((r) => r.opened);
  const roundChoice = select(rounds.map((r) => [r.round, label(r.name) || r.round]), { "data-testid": "export-round" });
  if (round()) roundChoice.value = round().round;
  const save = async (path, fallback) => {
    try {
      toast(tdata("admin.downloaded", { name: await download(path, { token, fallback }) }), "info");
    } catch (error) {
      toast(error.message);
    }
  };
  const results = (format) => h("button", { type: "button", class: "secondary", "data-testid": `export-${format}`, onclick: () => {
    const query = new URLSearchParams({ lang: lang.value });
    if (roundChoice.value) query.set("round", roundChoice.value);
    save(`/api/competitions/${enc(cid)}/results.${format}?${query}`, `${cid}-results.${format}`);
  } }, t(`admin.export_${format}`));
  redrawKeeping($("exports"), () => $("exports").replaceChildren(
    h("h2", {}, t("admin.exports")),
    h("div", { class: "row" }, field(t("admin.export_lang"), lang), field(t("admin.export_round"), roundChoice)),
    h("div", { class: "row" }, results("xlsx"), results("csv"), results("html")),
    h("div", { class: "row" },
      h("button", { type: "button", class: "secondary", "data-testid": "export-log", onclick: () => save(`/api/competitions/${enc(cid)}/log?from_seq=1`, `${cid}.ndjson`) }, t("admin.export_log")),
      h("span", { class: "muted" }, t("admin.export_log_hint"))),
  ));
}

function renderLogin() {
  const el = $("login");
  if (cid && token) {
    el.classList.add("hidden");
    return;
  }
  el.classList.remove("hidden");
  for (const id of ["stage", "paper", "priors", "show", "tools", "judges", "exports"]) $(id).classList.add("hidden");
  const input = h("input", { type: "password", "aria-label": t("admin.token"), autocomplete: "off" });
  const list = h("ul", {});
  api("/api/competitions").then((all) => list.replaceChildren(...all.map((c) =>
    h("li", {}, h("a", { href: `/admin/${enc(c.id)}`, translate: "no" }, label(c.title) || c.id))))).catch((e) => toast(e.message));
  fill(el,
    h("h2", {}, cid ? t("admin.login") : t("admin.competitions")),
    refusedNote(),
    cid ? h("form", { onsubmit: (e) => { e.preventDefault(); location.hash = `token=${input.value.trim()}`; location.reload(); } },
      field(t("admin.token"), input), h("button", { type: "submit" }, t("admin.enter"))) : list,
    cid ? null : newCompetition(),
  );
}

/** Load a competition file, check it (problems by field or row), create it. */
function newCompetition() {
  const file = h("input", { type: "file", accept: ".toml,text/plain", "data-testid": "definition-file" });
  // `leitai setup-token` prints /admin#token=…: the link fills the field
  const setupToken = h("input", { type: "password", autocomplete: "off", "data-testid": "setup-token", value: cid ? "" : token ?? "" });
  const result = h("div", { "data-testid": "check-result", "aria-live": "polite" });
  const send = async (path) => {
    const chosen = file.files[0];
    if (!chosen) return null;
    // the file's bytes as they are: read as text, a GBK file (Notepad's "ANSI" on Chinese
    // Windows) became U+FFFD replacement characters that passed the server's UTF-8 check
    const response = await fetch(path, { method: "POST", body: await chosen.arrayBuffer(), cache: "no-store",
      headers: { Authorization: `Bearer ${setupToken.value.trim()}`, "Content-Type": "text/plain; charset=utf-8", "Accept-Language": currentLanguage() } });
    const answer = await response.json().catch(() => null);
    if (response.status === 404 || response.status === 405) throw new Error(t("admin.no_upload"));
    if (!response.ok) throw new Error(answer?.error?.message ?? t("error.http", { status: response.status }));
    return answer;
  };
  const check = async () => {
    try {
      const answer = await send("/api/competitions/check");
      if (!answer) return;
      fill(result, answer.ok
        ? [h("p", { class: "badge open" }, data("span", answer.stream), " · ", t("admin.check_ok", answer)), ...checkNotes(answer)]
        : h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, t("admin.check_where")), h("th", {}, t("admin.check_problem")))),
          h("tbody", {}, h("tr", {}, data("td", answer.where ?? "—", { class: "link" }), data("td", answer.problem)))));
      createButton.disabled = !answer.ok;
      createButton.dataset.stream = answer.stream ?? "";
    } catch (error) {
      toast(error.message);
    }
  };
  const createButton = h("button", { type: "button", class: "danger", disabled: true, onclick: async () => {
    if (!(await confirmOnce(tdata("admin.ask_create", { id: createButton.dataset.stream }), t("admin.create")))) return;
    try {
      const made = await send("/api/competitions");
      if (!made) return;
      createButton.disabled = true;
      const judges = Object.fromEntries(Object.entries(made.judges).map(([judge, link]) => [judge, linkHere(link)]));
      // the console opened next in this tab prints these, not new ones that would revoke them
      sessionStorage.setItem(issuedKey(made.stream), JSON.stringify(judges));
      const links = [[t("admin.link_admin"), linkHere(made.admin)], [t("admin.link_auditor"), linkHere(made.auditor)],
        ...Object.entries(judges).map(([judge, link]) => [data("span", judge), link, judge])];
      const printButton = h("button", { type: "button", class: "secondary", "data-testid": "print-created", onclick: async () => {
        printButton.disabled = true;
        try {
          await printCreated(made.stream, judges);
        } catch (error) {
          toast(error.message);
        } finally {
          printButton.disabled = false;
        }
      } }, t("admin.print_created"));
      result.replaceChildren(h("p", {}, t("admin.created")), h("div", { class: "row" }, printButton), h("table", {}, h("tbody", {},
        links.map(([name, link, judge]) => h("tr", {}, h("td", judge ? { dataset: { judge } } : {}, name), data("td", link, { class: "link" }))))));
      // the judges by name beside their ids, once the new competition's set-up is read
      loadSetup(made.stream).then((created) => {
        for (const j of created.judges ?? []) {
          const cell = [...result.querySelectorAll("td[data-judge]")].find((td) => td.dataset.judge === j.judge);
          cell?.replaceChildren(data("span", j.name), " ", data("span", j.judge, { class: "muted" }));
        }
      }).catch(() => {}); // the ids stay: enough to hand each link out
    } catch (error) {
      toast(error.message);
    }
  } }, t("admin.create"));
  file.onchange = () => {
    createButton.disabled = true;
    result.replaceChildren();
    document.querySelector('[data-testid="definition-name"]').textContent = file.files[0]?.name ?? "";
  };
  return h("div", { class: "new-competition" },
    h("h2", {}, t("admin.new_competition")),
    h("label", { class: "file-button" }, t("admin.definition_file"), file),
    data("div", "", { class: "muted", "data-testid": "definition-name" }),
    field(t("admin.setup_token"), setupToken),
    h("div", { class: "row" }, h("button", { type: "button", class: "secondary", onclick: check }, t("admin.check")), createButton),
    result);
}

function render() {
  renderHeader();
  if (missing) return showMissingCompetition(cid, { content: $("main"), title: `${t("app.name")} · ${t("admin.title")}` });
  renderLogin();
  if (!cid || !token) return;
  renderStage();
  renderPaper();
  renderPriors();
  renderShow();
  renderCeremony();
}

/** The forms and the judges' list change only with the set-up (from any console: see takeSetup),
 * and are drawn again keeping what is being typed in them (redrawKeeping). */
function renderSetupParts() {
  if (!cid || !token || missing) return;
  renderTools();
  renderJudges();
  renderExports();
}

async function start() {
  chooseLanguage(null);
  applyStatic();
  const sw = languageSwitch(null);
  $("lang").append(sw);
  onLanguage(() => { sw.render(); applyStatic(); render(); renderSetupParts(); });
  render();
  if (!cid || !token) return;
  sessionStorage.setItem(`leitai.admin.${cid}`, token);
  recallIssued();
  const refused = () => signInAgain(`leitai.admin.${cid}`);
  // a mistyped address: say so in place of the console, and stop
  const gone = () => { socket.close(); missing = true; render(); };
  const socket = new LiveSocket(cid, {
    onStatus: (status, since) => { conn = { status, since }; renderHeader(); },
    onError: (error) => {
      if (error.code === "invalid_token") refused();
      else if (error.code !== "unknown_competition") toast(error.message); // onMissing follows it
    },
    onMissing: gone,
  });
  socket.subscribe("board_full", (view) => {
    const changed = board?.awards_published !== view.awards_published || board?.final !== view.final
      || board?.awards_outdated !== view.awards_outdated;
    const finished = unfinished(board) !== unfinished(view); // a close, a reopening, a withdrawal: not every score
    const counted = JSON.stringify(board?.award_counts) !== JSON.stringify(view.award_counts); // the preview moved
    board = view;
    maybeAutoClose(); // the marks that count are the board's, which may come after the progress
    render();
    if (changed) renderTools(); // publish and finalise follow the board
    else if (finished || counted) renderAwards();
  }, token);
  socket.subscribe("presence", (view) => { presence = view; render(); }, token);
  socket.subscribe("audit", (view) => { audit = view; render(); }, token);
  api(`/api/competitions/${enc(cid)}/whoami`, { token }).then((who) => { me = who; render(); })
    .catch((error) => (error.status === 401 ? refused() : error.code === "unknown_competition" ? gone() : toast(error.message)));
  socket.subscribe("progress", (view) => {
    progress = view;
    maybeAutoClose();
    render();
  });
  socket.subscribe("setup", takeSetup);
  await loadFirstSetup();
  if (setup?.languages) chooseLanguage(setup.languages);
  sw.render();
}

start();

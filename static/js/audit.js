// The auditor's page: the log's timeline, its hash chain checked in this browser,
// the board at any record, corrections with their reasons, the judges' charts.
import { api, competitionFromPath, loadSetup, tokenFromFragment } from "./api.js";
import { ChainVerifier, lines } from "./chain.js";
import { formatScore, padScore, parseDecimal, totalPlaces, trimText, weightedTotal } from "./format.js";
import { MESSAGES, applyStatic, chooseLanguage, currentLanguage, label, onLanguage, t } from "./i18n.js";
import { LiveSocket } from "./socket.js";
import { statusText } from "./status.js";
import { connectionText, data, fill, h, languageSwitch, refusedNote, showMissingCompetition, signInAgain, tdata, toast } from "./ui.js";

const $ = (id) => document.getElementById(id);
const enc = encodeURIComponent;
const cid = competitionFromPath();
const token = tokenFromFragment() ?? (cid ? sessionStorage.getItem(`leitai.audit.${cid}`) : null);
const PAGE = 300;
const CORRECTIONS = new Set(["score_amended", "judge_recused", "contestant_withdrawn", "contestant_disqualified"]);

let setup = null;
let audit = null;
let conn = { status: "connecting", since: null };
let missing = false; // no such competition on this server
const filters = { judge: "", contestant: "", type: "" };
let newestFirst = false; // during the show an auditor looks at what just happened
let limit = PAGE;
const shown = { seq: null, follow: true, view: null, problem: null, asked: 0 };

/** A log being read: its verifier, its envelopes, and what they name. */
function source(name) {
  return {
    name, verifier: new ChainVerifier(cid), events: [], done: false,
    judges: new Map(), contestants: new Map(), criteria: [], places: 0, decimals: 2,
    groups: new Map(), // group id -> its label
    sources: new Map(), // a composite's source ("expert" …) -> its label
    sheets: new Map(), // "judge|contestant" -> points in force
    before: new Map(), // seq -> the points that event replaced
  };
}

const server = source(null);
let file = null;
const current = () => file ?? server;

function learn(src, env) {
  const d = env.data;
  src.events.push(env);
  if (env.type === "judge_registered") src.judges.set(d.judge, d.name);
  if (env.type === "contestant_registered") src.contestants.set(d.contestant, d.name);
  if (env.type === "scoresheet_defined") [src.criteria, src.places] = [d.criteria, d.places ?? 0];
  if ((env.type === "competition_created" || env.type === "settings_changed") && d.decimals != null) src.decimals = d.decimals;
  if (env.type === "group_defined") src.groups.set(d.group, d.name);
  if (env.type === "rules_set") for (const c of d.composite ?? []) src.sources.set(c.source, c.label);
  if (env.type === "contestants_advanced" || env.type === "round_opened") {
    // a new round is a new entry: its first sheets correct nothing of the last one's
    const entering = new Set(d.contestants ?? []);
    for (const key of [...src.sheets.keys()]) if (entering.has(key.split("|")[1])) src.sheets.delete(key);
  }
  if (env.type === "score_submitted" || env.type === "score_amended") {
    const key = `${d.judge}|${d.contestant}`;
    if (src.sheets.has(key)) src.before.set(env.seq, src.sheets.get(key));
    src.sheets.set(key, d.abstain ? null : d.points);
  }
}

// --- reading logs ---------------------------------------------------------------------------

let syncing = null;
let syncAgain = false;

/** Read the server's log from past our head; again if more arrived meanwhile. */
function syncServer() {
  if (syncing) {
    syncAgain = true;
    return syncing;
  }
  syncing = (async () => {
    do {
      syncAgain = false;
      await readServer();
    } while (syncAgain);
  })().finally(() => { syncing = null; });
  return syncing;
}

async function readServer() {
  if (server.verifier.problem) return;
  let response;
  try {
    response = await fetch(`/api/competitions/${enc(cid)}/log?from_seq=${server.verifier.head.seq + 1}`, {
      headers: { Authorization: `Bearer ${token}`, "Accept-Language": currentLanguage() }, cache: "no-store",
    });
  } catch {
    toast(t("error.offline"));
    return;
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    if (response.status === 401) return signInAgain(`leitai.audit.${cid}`);
    toast(body?.error?.message ?? t("error.http", { status: response.status }));
    return;
  }
  const first = !server.done;
  await read(server, lines(response.body));
  server.done = true;
  if (first) renderAll();
  else grew();
}

/** The server's log grew while followed: the new records appended to what is drawn, the rest
 * left as it is (drawing it all again at each record took up to 264 ms at 2,700 records). */
function grew() {
  renderVerify();
  if (!file) {
    growTimeline();
    growCorrections();
  }
  renderBoardControls();
}

async function read(src, stream) {
  let count = 0;
  for await (const line of stream) {
    const env = await src.verifier.push(line);
    if (!env) break;
    learn(src, env);
    count += 1;
    if (count % 2000 === 0) renderVerify();
  }
}

async function loadFile(chosen) {
  file = source(chosen.name);
  limit = PAGE;
  renderVerify();
  await read(file, lines(chosen.stream()));
  file.done = true;
  renderAll();
}

// --- verification ---------------------------------------------------------------------------

/** How the file's chain stands against the server's: the first record where they part. A file
 * broken at some record is compared up to the one before: the auditor learns whether the break
 * is where it also parts from the server's log, or whether it had parted before. */
function compareWithServer(src) {
  const n = src.verifier.head.seq;
  for (let i = 0; i < Math.min(n, server.events.length); i += 1) {
    if (src.events[i].hash !== server.events[i].hash) return tdata("audit.differs_from_server", { seq: i + 1 });
  }
  if (n > server.events.length) return tdata("audit.longer_than_server", { seq: server.events.length });
  if (src.verifier.problem) {
    return n ? tdata("audit.matches_then_differs", { seq: n, next: n + 1 }) : tdata("audit.differs_from_server", { seq: 1 });
  }
  return tdata("audit.matches_server", { seq: n });
}

function renderVerify() {
  const src = current();
  const { verifier } = src;
  let status;
  if (verifier.problem) {
    status = h("div", { class: "status bad", "data-testid": "verify-status", "data-state": "broken", "data-bad-seq": verifier.problem.seq },
      "✗ ", t("audit.broken", { seq: verifier.problem.seq }), h("span", {}, "— ", t(verifier.problem.key, verifier.problem.params)));
  } else if (!src.done) {
    status = h("div", { class: "status busy", "data-testid": "verify-status", "data-state": "checking" }, t("audit.checking", { n: verifier.head.seq }));
  } else if (verifier.head.seq === 0) {
    status = h("div", { class: "status busy", "data-testid": "verify-status", "data-state": "empty" }, t("audit.empty"));
  } else {
    status = h("div", { class: "status ok", "data-testid": "verify-status", "data-state": "intact", "data-head-seq": verifier.head.seq },
      "✓ ", t("audit.intact", { n: verifier.head.seq }));
  }
  const picker = h("input", { type: "file", accept: ".ndjson,.jsonl,.json,.txt,application/x-ndjson", "data-testid": "log-file",
    onchange: (e) => { if (e.target.files[0]) loadFile(e.target.files[0]); } });
  fill($("verify"),
    h("h2", {}, t("audit.verification")),
    status,
    verifier.head.seq ? h("div", { class: "row" }, t("audit.head", { seq: verifier.head.seq }), " ",
      data("code", verifier.head.hash, { class: "hash", "data-testid": "head-hash" })) : null,
    h("div", { class: "row" },
      file ? tdata("audit.source_file", { name: file.name }) : h("span", {}, t("audit.source_server")),
      file && file.done ? h("strong", { "data-testid": "compare-server" }, "· ", compareWithServer(file)) : null),
    h("div", { class: "row" },
      // the browser's own file button speaks the browser's language: ours speaks the page's
      h("label", { class: "file-button" }, t("audit.load_file"), picker),
      file ? h("button", { type: "button", class: "secondary", onclick: () => { file = null; limit = PAGE; renderAll(); } }, t("audit.back_to_server")) : null),
    h("p", { class: "hint" }, t("audit.how")),
  );
}

// --- the timeline ---------------------------------------------------------------------------

const judgeName = (src, id) => src.judges.get(id) ?? id;
const contestantName = (src, id) => src.contestants.get(id) ?? id;
const groupName = (src, id) => label(src.groups.get(id)) || id;
const sourceName = (src, id) => label(src.sources.get(id)) || id;

/** A rules_set in one line: how the marks become a result, and the composite's weights. */
function rulesLine(src, d) {
  const method = d.aggregation ?? "trimmed_mean";
  const parts = [t(`aggregation.${method}`, { k: d.trim ?? 1 })];
  if ((d.quorum ?? 1) > 1) parts.push(t("audit.quorum", { n: d.quorum }));
  const composite = d.composite ?? [];
  if (composite.length > 1) {
    parts.push(composite.map((c) => `${label(c.label) || (c.source === "live" ? t("audit.live_source") : c.source)} × ${c.weight}`).join(" + "));
    if (d.compose_from === "rounded") parts.push(t("audit.compose_rounded"));
  }
  if (d.awards?.length) parts.push(t("audit.n_awards", { n: d.awards.length }));
  return data("span", parts.join(" · "));
}

function total(src, points) {
  if (points === null || points === undefined) return t("audit.abstain");
  const sum = weightedTotal(src.criteria, points);
  return sum === null ? "—" : padScore(sum, totalPlaces(src)); // as the exports print it
}

function who(src, id) {
  return data("span", `${contestantName(src, id)} (${id})`);
}

function reason(text) {
  return h("span", { class: "reason" }, t("audit.reason"), t("punct.colon"), data("span", text));
}

/** One line saying what the event did, names marked as data. */
function details(src, env) {
  const d = env.data;
  const sep = " · ";
  switch (env.type) {
    case "score_submitted":
    case "score_amended": {
      const before = src.before.get(env.seq);
      return h("span", {}, data("span", judgeName(src, d.judge)), " → ", who(src, d.contestant), sep,
        src.before.has(env.seq) ? [t("audit.before"), " ", h("span", { class: "num" }, total(src, before)), sep, t("audit.after"), " "] : [t("audit.total"), " "],
        h("span", { class: "num" }, total(src, d.abstain ? null : d.points)),
        d.on_behalf ? [sep, tdata("audit.on_behalf", { admin: d.on_behalf, confirmer: env.actor.id })] : null,
        d.reason ? [sep, reason(d.reason)] : null);
    }
    case "paper_sheet_entered":
      return h("span", {}, data("span", judgeName(src, d.judge)), " → ", who(src, d.contestant), sep,
        t("audit.total"), " ", h("span", { class: "num" }, total(src, d.abstain ? null : d.points)), sep,
        tdata("audit.paper_sheet", { sheet: d.sheet }), sep, t("audit.paper_waiting"));
    case "paper_sheet_rejected":
      return h("span", {}, tdata("audit.paper_sheet", { sheet: d.sheet }), sep, reason(d.reason));
    case "results_finalised":
      return data("span", d.round);
    case "judge_recused":
      return h("span", {}, data("span", judgeName(src, d.judge)), " → ",
        d.contestant ? who(src, d.contestant) : t("audit.all_contestants"),
        d.round ? [sep, tdata("audit.from_round", { round: roundName(d.round) })] : null, sep, reason(d.reason));
    case "contestant_withdrawn":
    case "contestant_disqualified":
      return h("span", {}, who(src, d.contestant), sep, reason(d.reason));
    case "result_revealed":
      return h("span", {}, who(src, d.contestant), sep,
        d.final ? t("audit.final_rank", { final: d.final, rank: d.rank ?? "—" })
          : d.aggregate ? t("audit.incomplete", { aggregate: d.aggregate }) : t("audit.withheld")); // incomplete: the live score without a prior
    case "contestant_registered":
      return h("span", {}, who(src, d.contestant), sep, data("span", d.organisation));
    case "contestant_called":
    case "scoring_opened":
    case "scoring_closed":
      return who(src, d.contestant);
    case "prior_score_recorded":
      return h("span", {}, who(src, d.contestant), sep, data("span", sourceName(src, d.source)), " ", h("span", { class: "num" }, d.value));
    case "judge_registered":
      return h("span", {}, data("span", `${d.name} (${d.judge}) · ${t("admin.panel", { panel: d.panel })}`), d.shadow ? [sep, t("audit.shadow")] : null);
    case "running_order_drawn":
      return h("span", {}, data("span", d.round), sep, tdata("audit.seed", { seed: d.seed }), d.method === "sha256-fisher-yates-by-group" ? [sep, t("audit.draw_by_group")] : null);
    case "awards_published":
      return h("span", {}, data("span", d.round), sep, t("audit.n_awards", { n: d.awards.length }));
    case "awards_step_shown":
      return h("span", {}, data("span", d.round), sep, t("admin.awards_step", { n: d.step }));
    case "contestants_advanced":
      return h("span", {}, data("span", `${d.from_round} → ${d.to_round}`), sep, t("audit.n_advanced", { n: d.contestants.length }));
    case "scoresheet_defined":
      return t("audit.n_criteria", { n: d.criteria.length });
    case "competition_created":
    case "round_opened":
    case "group_defined":
      return data("span", label(d.title ?? d.name));
    case "panel_assigned":
      return data("span", `${t("admin.panel", { panel: d.panel })} → ${d.groups.map((g) => groupName(src, g)).join(t("list.separator"))}`);
    case "rules_set":
      return rulesLine(src, d);
    default:
      return null;
  }
}

const known = (type) => Object.hasOwn(MESSAGES, `type.${type}`);
const typeName = (type) => (known(type) ? t(`type.${type}`) : data("span", type));

function actor(src, a) {
  const role = ["admin", "judge", "auditor", "system"].includes(a.role) ? t(`role.${a.role}`) : a.role;
  const name = a.role === "judge" ? `${judgeName(src, a.id)} (${a.id})` : a.id;
  return h("span", {}, h("span", { class: "role" }, role), data("span", name));
}

const clocks = new Map(); // language -> its Intl.DateTimeFormat: toLocaleString makes one per call

function time(at) {
  const when = new Date(at);
  if (Number.isNaN(when.getTime())) return at;
  const lang = currentLanguage();
  if (!clocks.has(lang)) {
    clocks.set(lang, new Intl.DateTimeFormat(lang, { year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "2-digit", second: "2-digit", hour12: false }));
  }
  return clocks.get(lang).format(when);
}

const isCorrection = (src, env) => CORRECTIONS.has(env.type) || (env.type === "score_submitted" && src.before.has(env.seq));

function matches(env) {
  const d = env.data;
  if (filters.type && env.type !== filters.type) return false;
  if (filters.judge && d.judge !== filters.judge && !(env.actor.role === "judge" && env.actor.id === filters.judge)) return false;
  if (filters.contestant && d.contestant !== filters.contestant && !(d.contestants ?? []).includes(filters.contestant)) return false;
  return true;
}

function choice(name, options) {
  const select = h("select", { "data-testid": `filter-${name}`, onchange: (e) => { filters[name] = e.target.value; limit = PAGE; renderTimeline(); } },
    h("option", { value: "" }, t("audit.all")),
    options.map(([value, text, plain]) => h("option", { value, selected: filters[name] === value, translate: plain ? null : "no" }, text)));
  return h("label", { class: "field" }, t(`audit.filter_${name}`), select);
}

function seqButton(seq) {
  return h("button", { type: "button", class: "secondary", title: t("audit.board_here", { seq }), "aria-label": t("audit.board_here", { seq }),
    onclick: () => showBoard(seq, false) }, String(seq));
}

/** What the timeline was drawn from, to append to it what is read next. */
const drawn = { src: null, seen: 0, picked: 0, shown: 0, types: new Set(), judges: 0, contestants: 0, tbody: null, count: null, more: null };

function timelineRow(src, env) {
  return h("tr", {
    class: [isCorrection(src, env) ? "correction" : "", shown.seq === env.seq && !shown.follow ? "selected" : ""].join(" ").trim() || null,
    dataset: { seq: env.seq, type: env.type },
  },
  h("td", { class: "seq" }, seqButton(env.seq)),
  h("td", { class: "time", title: env.at }, time(env.at)),
  h("td", { class: "actor" }, actor(src, env.actor)),
  h("td", { class: "type" }, typeName(env.type)),
  h("td", { class: "details" }, details(src, env)));
}

function moreButton(left) {
  return left > 0
    ? h("button", { type: "button", class: "secondary", onclick: () => { limit += PAGE; renderTimeline(); } }, t("audit.more", { n: Math.min(PAGE, left) }))
    : null;
}

/** The records read since the timeline was drawn, appended where the window reaches the end
 * of what the filters pick (else counted, for "show more"), or put on top, newest first. A new judge, contestant or type
 * of record changes the filters' lists: then it is drawn again whole, which is rare. */
function growTimeline() {
  const src = current();
  const fresh = src.events.slice(drawn.seen);
  if (drawn.src !== src || !drawn.tbody?.isConnected || src.judges.size !== drawn.judges || src.contestants.size !== drawn.contestants
    || fresh.some((env) => !drawn.types.has(env.type))) return renderTimeline();
  drawn.seen = src.events.length;
  const picked = fresh.filter(matches);
  const everything = drawn.shown === drawn.picked; // all shown so far: so are the new ones
  drawn.picked += picked.length;
  if (newestFirst && picked.length) { // the newest are at the top, always in the window
    drawn.tbody.prepend(...picked.reverse().map((env) => timelineRow(src, env)));
    drawn.shown += picked.length;
    limit = Math.max(limit, drawn.shown);
  } else if (everything && picked.length) {
    drawn.tbody.append(...picked.map((env) => timelineRow(src, env)));
    drawn.shown += picked.length;
    limit = Math.max(limit, drawn.shown);
  }
  drawn.count.textContent = t("audit.showing", { n: drawn.shown, m: drawn.picked });
  fill(drawn.more, moreButton(drawn.picked - drawn.shown));
}

/** The mark of the record whose board is shown, moved without drawing the timeline again. */
function markSelected() {
  for (const tr of $("timeline").querySelectorAll("tr.selected")) tr.classList.remove("selected");
  if (shown.follow) return;
  $("timeline").querySelector(`tr[data-seq="${shown.seq}"]`)?.classList.add("selected");
}

function renderTimeline() {
  const src = current();
  const types = [...new Set(src.events.map((e) => e.type))];
  const picked = src.events.filter(matches);
  if (newestFirst) picked.reverse();
  const visible = picked.slice(0, limit);
  const tbody = h("tbody", {}, visible.map((env) => timelineRow(src, env)));
  const count = h("div", { class: "muted", "data-testid": "timeline-count" }, t("audit.showing", { n: visible.length, m: picked.length }));
  const more = h("div", { class: "row" }, moreButton(picked.length - visible.length));
  Object.assign(drawn, { src, seen: src.events.length, picked: picked.length, shown: visible.length, types: new Set(types),
    judges: src.judges.size, contestants: src.contestants.size, tbody, count, more });
  fill($("timeline"),
    h("h2", {}, t("audit.timeline")),
    h("div", { class: "row" },
      choice("judge", [...src.judges].map(([id, name]) => [id, `${name} (${id})`])),
      choice("contestant", [...src.contestants].map(([id, name]) => [id, `${name} (${id})`])),
      choice("type", types.map((type) => [type, known(type) ? t(`type.${type}`) : type, known(type)])),
      h("label", { class: "field" }, t("audit.order"),
        h("select", { "data-testid": "timeline-order", onchange: (e) => { newestFirst = e.target.value === "newest"; limit = PAGE; renderTimeline(); } },
          h("option", { value: "oldest", selected: !newestFirst }, t("audit.oldest_first")),
          h("option", { value: "newest", selected: newestFirst }, t("audit.newest_first"))))),
    count,
    h("div", { class: "scroll" }, h("table", { class: "timeline" },
      h("thead", {}, h("tr", {}, ["col_seq", "col_time", "col_actor", "col_type", "col_details"].map((k) => h("th", {}, t(`audit.${k}`))))),
      tbody)),
    more,
  );
}

// --- corrections ----------------------------------------------------------------------------

const listed = { src: null, seen: 0, list: null };

function correction(src, env) {
  return h("div", { class: "corr", dataset: { seq: env.seq, type: env.type } },
    h("div", { class: "row" }, seqButton(env.seq), h("span", { class: "what" }, typeName(env.type)),
      h("span", { class: "muted", title: env.at }, time(env.at)), actor(src, env.actor)),
    h("div", {}, details(src, env)));
}

/** The corrections among the records read since they were listed, appended. */
function growCorrections() {
  const src = current();
  const found = src.events.slice(listed.seen).filter((env) => isCorrection(src, env));
  if (listed.src !== src || (found.length && !listed.list?.isConnected)) return renderCorrections();
  listed.seen = src.events.length;
  if (found.length) listed.list.append(...found.map((env) => correction(src, env)));
}

function renderCorrections() {
  const src = current();
  const found = src.events.filter((env) => isCorrection(src, env));
  const list = found.length ? h("div", { "data-testid": "corrections" }, found.map((env) => correction(src, env))) : null;
  Object.assign(listed, { src, seen: src.events.length, list });
  fill($("corrections"),
    h("h2", {}, t("audit.corrections")),
    list ?? h("p", { class: "muted" }, t("audit.no_corrections")),
  );
}

// --- the board at any record ----------------------------------------------------------------

let boardTimer = null;

function showBoard(seq, follow) {
  shown.seq = seq;
  shown.follow = follow;
  renderBoardControls();
  markSelected();
  clearTimeout(boardTimer);
  boardTimer = setTimeout(() => fetchBoard(seq), 120);
}

async function fetchBoard(seq) {
  shown.asked = seq;
  try {
    const view = await api(`/api/competitions/${enc(cid)}/board?at=${seq}`, { token });
    if (shown.asked !== seq) return;
    // a server without replay ignores ?at= and answers the board as it is now
    shown.view = view.seq === seq ? view : null;
    shown.problem = view.seq === seq ? null : t("audit.board_unavailable");
  } catch (error) {
    if (shown.asked !== seq) return;
    shown.view = null;
    shown.problem = error.message;
  }
  renderBoard();
}

function boardRows(view) {
  return view.overall.map((r) => h("tr", { dataset: { contestant: r.contestant } },
    h("td", { class: "num" }, r.rank ?? "—"),
    h("td", { class: "who" }, data("span", r.name), " ", data("span", r.contestant, { class: "muted" })),
    h("td", {}, r.judges.map((j) => {
      const text = `${j.name} ${padScore(j.total, totalPlaces(setup))}`;
      return j.counted
        ? data("span", text, { class: "judge-total num" })
        : h("s", { class: "dropped judge-total num", title: j.dropped ? t(`drop.${j.dropped}`) : t("audit.dropped") }, data("span", text));
    })),
    h("td", { class: "num" }, formatScore(r.final, view.decimals)),
    h("td", { class: "award" }, r.award_name ? awardName(view, r) : statusText(r))));
}

/** A row's award: before the round's awards are published the organisers' board gives the
 * tiers the rules give so far (docs/rules.md §12), which nobody has announced: marked so. */
function awardName(view, r) {
  const name = data("span", label(r.award_name));
  if (view.awards_published) return name;
  return [name, " ", h("span", { class: "provisional", "data-testid": "award-provisional", title: t("audit.award_provisional_hint") }, t("audit.award_provisional"))];
}

const controls = { range: null, number: null, latest: null };
const boardSeq = () => (shown.follow ? server.verifier.head.seq : Math.min(shown.seq ?? server.verifier.head.seq, server.verifier.head.seq));

/** The slider, the number and "latest" set to the record shown and the log's head, in place:
 * the table under them is drawn again only when its board arrives. */
function renderBoardControls() {
  if (!controls.range?.isConnected) return renderBoard();
  const head = server.verifier.head.seq;
  const seq = boardSeq();
  for (const input of [controls.range, controls.number]) {
    input.max = Math.max(head, 1);
    if (document.activeElement !== input || input === controls.range) input.value = seq;
  }
  controls.latest.disabled = shown.follow;
}

function renderBoard() {
  const head = () => server.verifier.head.seq;
  const seq = boardSeq();
  const range = h("input", { type: "range", min: 1, max: Math.max(head(), 1), value: seq, "aria-label": t("audit.board_seq"),
    oninput: (e) => showBoard(Number(e.target.value), Number(e.target.value) === head()) });
  const number = h("input", { type: "number", min: 1, max: Math.max(head(), 1), value: seq, "data-testid": "board-seq",
    onchange: (e) => {
      const value = Math.min(Math.max(1, Math.trunc(Number(e.target.value)) || 1), head());
      showBoard(value, value === head());
    } });
  const latest = h("button", { type: "button", class: "secondary", disabled: shown.follow, onclick: () => showBoard(head(), true) }, t("audit.latest"));
  Object.assign(controls, { range, number, latest });
  const view = shown.view;
  let body;
  if (shown.problem) body = h("p", { class: "muted", "data-testid": "board-problem" }, shown.problem);
  else if (!view) body = null;
  else if (!view.round) body = h("p", { class: "muted" }, t("audit.board_empty"));
  else {
    body = h("div", {},
      h("p", { class: "muted", "data-testid": "board-caption", "data-seq": view.seq }, t("audit.board_caption", { seq: view.seq }), " · ", data("span", label(view.round_name))),
      h("div", { class: "scroll" }, h("table", { "data-testid": "board-table" },
        h("thead", {}, h("tr", {}, ["col_rank", "admin.contestant", "col_judges", "col_final", "col_award"].map((k) =>
          h("th", { class: k === "col_rank" || k === "col_final" ? "num" : null }, t(k.includes(".") ? k : `audit.${k}`))))),
        h("tbody", {}, boardRows(view)))));
  }
  fill($("board"),
    h("h2", {}, t("audit.board_at")),
    h("div", { class: "row" }, h("label", { class: "field" }, t("audit.board_seq"), number), range, latest),
    body,
  );
}

// --- the judges' charts ---------------------------------------------------------------------

const SVG = "http://www.w3.org/2000/svg";

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, v);
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** Bars either side of zero, one row per judge; lengths from exact decimals (BigInt), not floats. */
function divergingChart(rows, domain, title) {
  const width = 640, labelWidth = 170, valueWidth = 70, rowHeight = 26, top = 22;
  const half = (width - labelWidth - valueWidth) / 2;
  const zero = labelWidth + half;
  const height = top + rows.length * rowHeight + 8;
  const scaled = rows.map((r) => (r.value === null ? null : parseDecimal(r.value)));
  const scale = Math.max(domain.scale, ...scaled.filter(Boolean).map((d) => d.scale));
  const up = (d) => d.units * 10n ** BigInt(scale - d.scale);
  const limit = up(domain) || 1n;
  const px = (d) => Number((up(d) * BigInt(Math.round(half * 100))) / limit) / 100;
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title });
  svg.append(
    s("line", { class: "grid", x1: labelWidth, x2: labelWidth, y1: top - 6, y2: height - 4 }),
    s("line", { class: "grid", x1: zero + half, x2: zero + half, y1: top - 6, y2: height - 4 }),
    s("line", { class: "axis", x1: zero, x2: zero, y1: top - 6, y2: height - 4 }),
    s("text", { x: labelWidth, y: 12, "text-anchor": "start", class: "value muted", translate: "no" }, `-${trimText(domain)}`),
    s("text", { x: zero, y: 12, "text-anchor": "middle", class: "value muted", translate: "no" }, "0"),
    s("text", { x: zero + half, y: 12, "text-anchor": "end", class: "value muted", translate: "no" }, trimText(domain)),
  );
  rows.forEach((r, i) => {
    const y = top + i * rowHeight;
    const d = scaled[i];
    svg.append(s("text", { x: labelWidth - 8, y: y + 17, "text-anchor": "end", translate: "no" }, r.label));
    if (d === null) {
      svg.append(s("text", { x: zero + 6, y: y + 17, class: "muted" }, t("audit.no_data")));
      return;
    }
    const w = px(d);
    svg.append(
      s("rect", { class: `bar ${w < 0 ? "neg" : "pos"}`, x: w < 0 ? zero + w : zero, y: y + 5, width: Math.max(Math.abs(w), 1), height: rowHeight - 10, rx: 2 }),
      s("text", { x: width - 4, y: y + 17, "text-anchor": "end", class: "value", translate: "no" }, r.value),
    );
  });
  return svg;
}

function largest(values) {
  let best = parseDecimal("1");
  for (const v of values) {
    const d = parseDecimal(v);
    if (!d) continue;
    const abs = { units: d.units < 0n ? -d.units : d.units, scale: d.scale };
    const s1 = Math.max(abs.scale, best.scale);
    if (abs.units * 10n ** BigInt(s1 - abs.scale) > best.units * 10n ** BigInt(s1 - best.scale)) best = abs;
  }
  return best;
}

const roundName = (id) => label(setup?.rounds?.find((r) => r.round === id)?.name) || id;

function renderJudges() {
  if (!audit) return;
  const judges = audit.judges;
  const rows = (key) => judges.map((j) => ({ label: `${j.name}${j.shadow ? " *" : ""}`, value: j[key] }));
  const share = trimText({ units: parseDecimal(audit.flag_share).units * 100n, scale: parseDecimal(audit.flag_share).scale });
  fill($("judges"),
    h("h2", {}, t("audit.judges")),
    audit.round ? h("div", { class: "muted" }, tdata("audit.round", { round: roundName(audit.round) })) : null,
    h("p", { class: "hint" }, t("audit.severity")),
    h("div", { "data-testid": "severity-chart" }, divergingChart(rows("severity"), largest(judges.map((j) => j.severity)), t("audit.severity"))),
    h("p", { class: "hint" }, t("audit.consistency")),
    h("div", { "data-testid": "consistency-chart" }, divergingChart(rows("consistency"), parseDecimal("1"), t("audit.consistency"))),
    h("table", {},
      h("thead", {}, h("tr", {}, ["col_judge", "col_sheets", "col_corrections", "col_flagged"].map((k) => h("th", { class: k === "col_judge" ? null : "num" }, t(`audit.${k}`))))),
      h("tbody", {}, judges.map((j) => h("tr", {},
        h("td", {}, data("span", `${j.name} (${j.judge}) · ${j.panel}`), j.shadow ? [" ", h("span", { class: "muted" }, t("audit.shadow"))] : null),
        h("td", { class: "num" }, j.sheets.length),
        h("td", { class: "num" }, j.corrections),
        h("td", { class: "num" }, j.flagged))))),
    h("p", { class: "hint" }, t("audit.flag_hint", { share })),
  );
}

// --- the page -------------------------------------------------------------------------------

function renderHeader() {
  $("title").textContent = label(setup?.title) || cid || t("audit.title");
  document.title = `${label(setup?.title) || t("app.name")} · ${t("audit.title")}`;
  const c = $("conn");
  c.className = `conn ${conn.status}${cid && token ? "" : " hidden"}`; // no token, no socket: nothing to connect to
  c.textContent = connectionText(conn.status, conn.since);
}

function renderAll() {
  renderHeader();
  if (missing) return showMissingCompetition(cid, { content: $("main"), title: `${t("app.name")} · ${t("audit.title")}` });
  if (!cid || !token) return;
  renderVerify();
  renderTimeline();
  renderCorrections();
  renderBoard();
  renderJudges();
}

function renderLogin() {
  const el = $("login");
  el.classList.remove("hidden");
  for (const id of ["verify", "timeline", "board", "corrections", "judges"]) $(id).classList.add("hidden");
  const input = h("input", { type: "password", "aria-label": t("audit.token"), autocomplete: "off" });
  fill(el,
    h("h2", {}, t("audit.login")),
    refusedNote(),
    cid ? h("form", { onsubmit: (e) => { e.preventDefault(); location.hash = `token=${input.value.trim()}`; location.reload(); } },
      h("label", { class: "field" }, t("audit.token"), input), h("button", { type: "submit" }, t("admin.enter"))) : null,
  );
}

async function start() {
  chooseLanguage(null);
  applyStatic();
  const sw = languageSwitch(null);
  $("lang").append(sw);
  onLanguage(() => { sw.render(); applyStatic(); renderAll(); if (!cid || !token) renderLogin(); });
  renderHeader();
  if (!cid || !token) {
    renderLogin();
    return;
  }
  sessionStorage.setItem(`leitai.audit.${cid}`, token);
  try {
    setup = await loadSetup(cid);
  } catch (error) {
    if (error.code === "unknown_competition") {
      // a mistyped address: say so in place of the page, and open no socket
      missing = true;
      renderAll();
      return;
    }
    toast(error.message);
  }
  if (setup?.languages) chooseLanguage(setup.languages);
  sw.render();
  applyStatic();
  renderAll();
  const socket = new LiveSocket(cid, {
    onStatus: (status, since) => { conn = { status, since }; renderHeader(); },
    onError: (error) => (error.code === "invalid_token" ? signInAgain(`leitai.audit.${cid}`) : toast(error.message)),
  });
  socket.subscribe("audit", async (view) => {
    audit = view;
    renderJudges();
    if (view.seq > server.verifier.head.seq) {
      await syncServer();
      if (shown.follow && server.verifier.head.seq) showBoard(server.verifier.head.seq, true);
    }
  }, token);
}

start();

// The venue screen: on stage with judges' dots, the reveal, the leaderboard, the awards.
import { competitionFromPath, loadSetup, qrSvg } from "./api.js";
import { countUp, formatScore, padScore, totalPlaces } from "./format.js";
import { applyStatic, chooseLanguage, currentLanguage, label, onLanguage, t } from "./i18n.js";
import { LiveSocket } from "./socket.js";
import { connectionText, data, fill, h, languageSwitch, showMissingCompetition, tdata } from "./ui.js";

const IDLE_MS = 3000; // the pointer still this long: the projector's controls leave the screen

const PAGE_MS = 10000;
const AWARD_STEP_MS = 12000;
// The last award stays up alone at least this long (its winners are photographed on stage
// under it), and until every page of it has been up; then the closing roll begins.
const ROLL_AFTER_MS = 30000;
const FINAL_HOLD_MS = 4000; // a final stays up at least this long, even if the next one was called
const ROW_GAP = 6; // .row margin-bottom, in stage pixels

const cid = competitionFromPath();
const $ = (id) => document.getElementById(id);
const view = { setup: null, board: null, progress: null, status: "connecting", since: null };
let revealed = null; // contestant → status of those revealed in the board we last saw (null before the first)
let reveal = null; // {row, groupRow, ended}: the result on the stage's left side
// The board as it was before the reveal now playing: the leaderboard shows it until the
// count-up ends, so that it does not give the result away; later boards wait in view.board.
let held = null;
let revealRun = 0; // the reveal playing; the timers of an earlier one do nothing
let arrived = false; // the first board and progress have both come (revealOnArrival)
let cycle = { table: 0, page: 0, timer: null };
let awardsShown = 0;
let awardsTimer = null;
let missing = false; // no such competition on this server

function fit() {
  const scale = Math.min(innerWidth / 1920, innerHeight / 1080);
  const stage = $("stage");
  stage.style.transform = `translate(${(innerWidth - 1920 * scale) / 2}px, ${(innerHeight - 1080 * scale) / 2}px) scale(${scale})`;
}

const decimals = () => view.board?.decimals ?? view.setup?.decimals ?? 2;
const groupName = (id) => {
  const g = view.board?.groups.find((x) => x.group === id);
  return g ? label(g.name) || id : id;
};

function renderHeader() {
  document.title = `${label(view.setup?.title) || cid} · ${t("screen.page_title")}`;
  $("title").textContent = label(view.setup?.title) || cid;
  $("round").textContent = label(view.board?.round_name);
  $("provisional").classList.toggle("hidden", Boolean(view.board?.final));
  const conn = $("conn");
  conn.className = `conn ${view.status}`;
  conn.textContent = connectionText(view.status, view.since);
  $("stage").classList.toggle("stale", view.status === "stale" || view.status === "unsaved");
  fitTitle($("title"));
}

let titleFitted = ""; // the header's text the title was last fitted beside

/** The competition's title shrinks on its line beside the round and the connection, down
 * to TITLE_FLOOR, before it is cut with an ellipsis (a long English title was cut at 50 px);
 * fitted again only when the header's text changes, not at every board. */
function fitTitle(el) {
  const header = el.parentElement.textContent + $("provisional").className;
  if (header === titleFitted) return;
  titleFitted = header;
  el.style.fontSize = "";
  for (let size = parseFloat(getComputedStyle(el).fontSize); el.scrollWidth > el.clientWidth + 1 && size > TITLE_FLOOR; ) {
    size -= 2;
    el.style.fontSize = `${size}px`;
  }
}

function renderNow() {
  const body = $("now-body");
  $("stage").classList.toggle("revealing", Boolean(reveal)); // the reveal takes the QR code's corner too
  if (reveal) {
    $("now-label").textContent = t("screen.result");
    if (body.dataset.reveal !== reveal.row.contestant) playReveal(body);
    else if (reveal.ended && body.dataset.figures !== figures(reveal)) {
      // changed since it was played (a mark amended, a judge recused): what it says now, at once
      reveal.instant = true;
      playReveal(body);
      setTimeout(leaveReveal, Math.max(0, reveal.until - Date.now())); // the next one may be waiting
    }
    return;
  }
  body.dataset.reveal = "";
  body.classList.remove("reveal", "compact");
  const on = view.progress?.on_stage;
  $("now-label").textContent = t("screen.on_stage");
  if (!on) {
    body.replaceChildren(h("div", { class: "waiting" }, t("screen.waiting")));
    return;
  }
  const state = on.revealed ? "screen.state_revealed" : on.scoring_open ? "screen.state_scoring" : on.closed ? "screen.state_closed" : "screen.state_called";
  body.replaceChildren(
    data("div", on.name, { class: "now-name", "data-testid": "now-name" }),
    data("div", on.organisation, { class: "now-org" }),
    data("div", groupName(on.group), { class: "now-group" }),
    h(
      "div",
      { class: "dots", "data-testid": "dots", role: "img", "aria-label": t("screen.scored_of", { n: on.scored, m: on.expected.length }) },
      on.expected.map((j) => h("span", { class: `dot${j.scored ? " on" : ""}`, "data-judge": j.judge })),
    ),
    h("div", { class: "now-state" }, `${t(state)} · ${t("screen.scored_of", { n: on.scored, m: on.expected.length })}`),
  );
  fitNames(body);
  fitDots(body);
}

/** A large panel (25 judges: three rows of dots) takes smaller dots, so that the line
 * saying how many have scored stays on the stage. */
function fitDots(body) {
  const now = $("now");
  const dots = body.querySelector(".dots");
  dots.style.removeProperty("--dot");
  for (let size = 50; now.scrollHeight > now.clientHeight + 1 && size >= 30; size -= 4) dots.style.setProperty("--dot", `${size}px`);
}

// The floor of a name on the stage, the awards' too: 32 px, a thirty-fourth of the
// screen's height, is read from the back of a 30 m hall; an organisation's is three quarters.
const NAME_FLOOR = 32;
const ORG_FLOOR = 24;
const TITLE_FLOOR = 34;

/** Fit a text to its box's width, never cut: the stage's one way of fitting its names,
 * organisations and rank lines. It goes through the stages (`stagesOf(its own size)`) in
 * turn, each allowing at most `lines` lines, shrinking 2 px at a time from `from` (by
 * default where the last stage stopped, the first: its own size) down to `floor`. Past the
 * last stage it keeps that size and takes the lines it needs, a word broken only where it
 * is wider than the box. Text that may take more than one line is balanced (.wrap). */
function fitText(el, stagesOf) {
  el.style.fontSize = "";
  el.classList.remove("wrap", "breaks");
  let size = parseFloat(getComputedStyle(el).fontSize);
  for (const { lines, from = size, floor } of stagesOf(size)) {
    el.classList.toggle("wrap", lines > 1);
    for (size = from; ; size -= 2) {
      el.style.fontSize = `${size}px`;
      // a stage of one line is white-space: nowrap (no .wrap): its width alone tells
      if (el.scrollWidth <= el.clientWidth + 1 && (lines === 1 || linesOf(el) <= lines)) return size;
      if (size - 2 < floor) break;
    }
  }
  el.classList.add("wrap", "breaks");
  return size;
}

/** How many lines a block of text takes: its height in its own line height. */
const linesOf = (el) => Math.round(el.offsetHeight / parseFloat(getComputedStyle(el).lineHeight));

/** The contestant's name and organisation on the stage's left side. The name shrinks on
 * one line down to half its size, then takes two lines, which at that size are the height
 * of one line at full size: what is under it does not move; it shrinks further, on two
 * lines, down to the floor. The organisation has two lines from the start (one in the
 * compact reveal) and shrinks on them down to its floor, from no larger than the name. */
function fitNames(body) {
  let name = Infinity;
  for (const el of body.querySelectorAll(".now-name")) {
    name = fitText(el, (full) => [{ lines: 1, floor: Math.max(NAME_FLOOR, 2 * Math.round(full / 4)) }, { lines: 2, floor: NAME_FLOOR }]);
  }
  const compact = body.classList.contains("compact");
  for (const el of body.querySelectorAll(".now-org")) {
    // never larger than the name it is under (a long name shrinks below the organisation's size)
    fitText(el, (full) => {
      const from = Math.min(full, name);
      return compact ? [{ lines: 1, from, floor: Math.min(30, from) }, { lines: 2, floor: ORG_FLOOR }] : [{ lines: 2, from, floor: ORG_FLOOR }];
    });
  }
}

/** Fit the result to the panel, measured: the judges' marks shrink, taking more columns as
 * they do, until the final and the ranks show whole (20 judges need four or five rows); past
 * the smallest size the rest goes compact too (a smaller final, one line of organisation).
 * Should even that not do, the marks are cut at the bottom, never the final or the ranks
 * (.reveal-judges is the one part of the column that may shrink). */
function fitReveal(body) {
  const now = $("now");
  const judges = body.querySelector(".reveal-judges");
  // layout offsets, not scrollHeight: a mark not yet shown sits 20 px lower (its rising transition)
  const fits = () => Math.max(...[...judges.children].map((el) => el.offsetTop + el.offsetHeight)) - judges.offsetTop <= judges.clientHeight + 1
    && now.scrollHeight <= now.clientHeight + 1;
  // a result without a final says so in the final's place (待补成绩 / "Awaiting a score"):
  // fitted with the rest, on one line if it can, rather than drawn over two after it
  const status = body.querySelector(".reveal-final.status");
  for (const [compact, sizes] of [[false, [40, 36, 34, 32, 30, 28]], [true, [36, 34, 32, 30, 28, 26, 24, 22, 20]]]) {
    body.classList.toggle("compact", compact);
    fitNames(body);
    fitRankLines(body);
    if (status) fitText(status, () => [{ lines: 1, floor: STATUS_FLOOR }, { lines: 2, floor: STATUS_FLOOR }]);
    for (const size of sizes) {
      judges.style.fontSize = `${size}px`;
      fitJudgeNames(judges);
      if (fits()) return;
    }
  }
}

// A status in the final's place shrinks to fit one line down to this: half the final's
// size, twice a name's floor.
const STATUS_FLOOR = 64;

/** Judges' names under their marks, at the size the marks were just given: a name too wide
 * for its column (a Latin one: "Catherine Montgomery-Whitfield") shrinks a little on one
 * line, then takes two lines at its own size, down to four fifths of it; past that a word
 * breaks (fitText), never cut to "Catherin…". The names that fit are measured together. */
function fitJudgeNames(judges) {
  const names = [...judges.querySelectorAll(".reveal-judge small")];
  for (const el of names) {
    el.style.fontSize = "";
    el.classList.remove("wrap", "breaks");
  }
  const wide = names.filter((el) => el.scrollWidth > el.clientWidth + 1);
  for (const el of wide) {
    fitText(el, (full) => [{ lines: 1, floor: Math.round(full * 0.9) }, { lines: 2, from: full, floor: Math.round(full * 0.8) }]);
  }
}

/** A rank line too long for the column (a long group's name) shrinks a little, and past that
 * takes two lines at its full size: cut, it would lose the rank itself. */
function fitRankLines(body) {
  for (const line of body.querySelectorAll(".reveal-rank > span")) fitText(line, (full) => [{ lines: 1, floor: 36 }, { lines: 2, from: full, floor: full }]);
}

/** What a reveal shows, to tell when its result has changed since it was drawn. */
function figures({ row, groupRow }) {
  return JSON.stringify([row.final, row.status, row.rank, groupRow?.rank,
    row.judges.map((j) => [j.name, j.total, j.counted, j.dropped]), row.components.map((c) => [c.source, c.value, c.weight])]);
}

function playReveal(body) {
  const { row, groupRow } = reveal;
  const run = ++revealRun;
  body.dataset.reveal = row.contestant;
  body.dataset.figures = figures(reveal);
  body.classList.add("reveal");
  const places = decimals();
  const judges = row.judges.map((j) =>
    h(
      "div",
      { class: `reveal-judge${j.counted ? "" : " dropped"}` },
      data("small", j.name),
      h(
        "div",
        { class: "mark" },
        // the exact total, as the exports print it (77.435, and 95.750 beside it, not 95.75):
        // rounded to the board's decimals it would disagree
        h("span", { class: "num" }, padScore(j.total, totalPlaces(view.setup))),
        // a projector shows no tooltip: why a mark is struck is said on the screen
        j.dropped ? h("span", { class: "why" }, t(`drop.${j.dropped}`)) : null,
      ),
    ),
  );
  // a final of several terms is not the judges' mean: show each term (专家评审 86.5 × 0.4) before it
  const components = row.components.length > 1
    ? row.components.map((c) =>
      h(
        "div",
        { class: "reveal-component" },
        data("span", label(c.label) || c.source, { class: "label" }),
        h("span", { class: "num value" }, padScore(c.value, view.board?.decimals ?? 0)), // 81.00 beside 76.63, as the exports
        h("span", { class: "num weight" }, `× ${c.weight}`),
      ))
    : [];
  // its height before the count; a result without a final has its status there instead,
  // hidden until the marks are shown but in place while the layout is fitted
  const status = row.final === null ? t(`status.${row.status}`) : null;
  const final = h("div", { class: `reveal-final num${status ? " status" : ""}`, "data-testid": "reveal-final" }, status ?? "\u00a0");
  const rankLines = [];
  if (groupRow?.rank) rankLines.push(tdata("screen.group_rank", { group: groupName(row.group), rank: groupRow.rank }));
  if (row.rank) rankLines.push(h("span", {}, t("screen.overall_rank", { rank: row.rank })));
  // one line each: "Public agencies: rank 12 · Overall rank 34" does not fit one line at this size
  const rank = h("div", { class: "reveal-rank", "data-testid": "reveal-rank" }, rankLines);
  fill(body,
    data("div", row.name, { class: "now-name" }),
    data("div", row.organisation, { class: "now-org" }),
    h("div", { class: "reveal-judges" }, judges),
    components.length ? h("div", { class: "reveal-components" }, components) : null,
    final,
    rank,
  );
  fitReveal(body);
  if (reveal.instant) { // up already when the screen opened: shown as it stands, no count-up
    for (const el of [...judges, ...components]) el.classList.add("shown");
    if (row.final === null) final.classList.add("shown");
    else {
      final.textContent = formatScore(row.final, places);
      final.dataset.final = row.final;
    }
    rank.classList.add("shown");
    setTimeout(() => endReveal(run), 0); // not within this render
    return;
  }
  const stepMs = 450;
  judges.forEach((el, i) => setTimeout(() => el.classList.add("shown"), 200 + i * stepMs));
  components.forEach((el, i) => setTimeout(() => el.classList.add("shown"), 300 + judges.length * stepMs + i * 700));
  const start = 300 + judges.length * stepMs + components.length * 700;
  if (row.final === null) {
    setTimeout(() => { final.classList.add("shown"); rank.classList.add("shown"); endReveal(run); }, start);
    return;
  }
  const frames = countUp(row.final, places, 30);
  frames.forEach((text, i) => setTimeout(() => { final.textContent = text; }, start + i * 50));
  setTimeout(() => {
    final.dataset.final = row.final;
    rank.classList.add("shown");
    endReveal(run);
  }, start + frames.length * 50);
}

/** The count-up has ended: the leaderboard takes the latest board (its rows slide to their
 * new places); the final stays up for FINAL_HOLD_MS, then, if the next contestant was called
 * meanwhile, the stage turns to them. */
function endReveal(run) {
  if (run !== revealRun || !reveal || reveal.ended) return;
  reveal.ended = true;
  reveal.until = Date.now() + FINAL_HOLD_MS;
  held = null;
  const { contestant, group } = reveal.row;
  // the leaderboard turns to the result just revealed (not to one up when the screen opened)
  if (!reveal.instant && view.board.overall.some((r) => r.contestant === contestant)) showContestant(contestant, view.board.groups.length > 1 ? group : "overall");
  setTimeout(() => { if (run === revealRun) leaveReveal(); }, FINAL_HOLD_MS);
  render();
}

/** Someone else is on stage, or the show has gone on to another round, and the final has
 * been up long enough: the stage turns to them (or waits for the round's first). */
function leaveReveal() {
  const on = view.progress?.on_stage;
  if (!reveal?.ended || Date.now() < reveal.until) return;
  const roundOver = view.progress && view.progress.round !== reveal.round;
  if (!roundOver && (!on || on.contestant === reveal.row.contestant)) return;
  reveal = null;
  render();
}

// --- the leaderboard ---------------------------------------------------------

/** The board the leaderboard shows: the one before a reveal still playing, else the latest. */
const shownBoard = () => held ?? view.board;

function tables() {
  const b = shownBoard();
  if (!b) return [];
  const out = [{ name: t("screen.overall"), rows: b.overall, key: "overall" }];
  if (b.groups.length > 1) for (const g of b.groups) out.push({ name: label(g.name) || g.group, rows: g.rows, key: g.group });
  return out;
}

/** A row of the board: `who` is its name and organisation, fitted (rowFit); `award` says
 * whether its page has the awards' column. */
function boardRow(r, award, who) {
  const move = r.movement ? (r.movement > 0 ? ["up", `▲${r.movement}`] : ["down", `▼${-r.movement}`]) : ["", ""];
  const flash = reveal?.ended && reveal.row.contestant === r.contestant;
  return h(
    "li",
    { class: `row${r.revealed ? "" : " pending"}${award ? "" : " no-award"}${flash ? " flash" : ""}`, dataset: { contestant: r.contestant } },
    h("span", { class: "rank num" }, r.rank ?? "—"),
    who,
    r.final !== null
      ? h("span", { class: "final num" }, formatScore(r.final, decimals()))
      : h("span", { class: "status" }, t(`status.${r.status}`)),
    r.award_name ? data("span", label(r.award_name), { class: `award a${Math.min((shownBoard()?.award_order ?? []).indexOf(r.award), 3)}` }) : award ? h("span") : null,
    h("span", { class: `move ${move[0]} num` }, move[1]),
  );
}

// A row's name and organisation as fitted, by all that its height depends on: the board is
// drawn again at every score, and its pages are cut by the rows' heights.
const rowFits = new Map();
let measuring = null; // a list out of sight, as wide as the board's

/** The row's name and organisation fitted to its columns (a `.who` to copy) and the row's
 * height: each shrinks to its floor on one line, then takes two balanced lines at the floor,
 * past which it takes the lines it needs; the row grows for them; never cut. Measured once
 * per text, status, language (an English page sets quotes narrower) and column width. */
function rowFit(r, award) {
  const key = [award, currentLanguage(), r.final === null ? r.status : "", r.name, r.organisation].join("\n");
  let fit = rowFits.get(key);
  if (!fit) {
    if (!measuring) $("board").append(measuring = h("ol", { class: "rows measuring", "aria-hidden": "true" }));
    const who = h("span", { class: "who" }, data("span", r.name, { class: "name" }), data("span", r.organisation, { class: "org" }));
    const row = boardRow(r, award, who);
    measuring.replaceChildren(row);
    fitText(who.firstChild, () => [{ lines: 1, floor: NAME_FLOOR }, { lines: 2, floor: NAME_FLOOR }]);
    fitText(who.lastChild, () => [{ lines: 1, floor: ORG_FLOOR }, { lines: 2, floor: ORG_FLOOR }]);
    fit = { who, height: row.offsetHeight };
    rowFits.set(key, fit);
  }
  return fit;
}

/** A table's rows cut into pages ({start, end, award}): as many rows as the list holds, one
 * at least. Ten rows of one line of name and one of organisation, as always; a row whose name
 * or organisation takes two lines is taller, and its page holds fewer. A page with an award
 * has the awards' column, which narrows every name on it. */
function boardPages(rows) {
  const room = $("rows").clientHeight + ROW_GAP;
  const height = (from, to, award) => {
    let sum = 0;
    for (let i = from; i < to; i += 1) sum += rowFit(rows[i], award).height + ROW_GAP;
    return sum;
  };
  const pages = [];
  for (let start = 0; start < rows.length;) {
    let award = false;
    let used = 0;
    let end = start;
    for (; end < rows.length; end += 1) {
      const withAward = award || Boolean(rows[end].award_name);
      const next = withAward === award ? used + height(end, end + 1, award) : height(start, end + 1, withAward);
      if (end > start && next > room) break;
      used = next;
      award = withAward;
    }
    pages.push({ start, end, award });
    start = end;
  }
  return pages.length ? pages : [{ start: 0, end: 0, award: false }];
}

function renderBoard() {
  const all = tables();
  if (!all.length) return;
  cycle.table %= all.length;
  const table = all[cycle.table];
  const pages = boardPages(table.rows);
  cycle.page = Math.min(cycle.page, pages.length - 1);
  const { start, end, award } = pages[cycle.page];
  $("table-name").textContent = table.name;
  $("page").textContent = pages.length > 1 ? t("screen.page", { n: cycle.page + 1, m: pages.length }) : "";
  fitHeading($("table-name"));
  const list = $("rows");
  const before = new Map([...list.children].map((el) => [el.dataset.contestant, el.getBoundingClientRect().top]));
  // an empty award column would cost every name on the page 164 px: a page without an award has none
  list.replaceChildren(...table.rows.slice(start, end).map((r) => boardRow(r, award, rowFit(r, award).who.cloneNode(true))));
  // rank changes slide: each row starts where it was and moves to its new place
  for (const el of list.children) {
    const old = before.get(el.dataset.contestant);
    if (old === undefined) continue;
    const delta = old - el.getBoundingClientRect().top;
    if (!delta) continue;
    el.animate([{ transform: `translateY(${delta}px)` }, { transform: "none" }], { duration: 900, easing: "ease-in-out" });
  }
}

/** A long table name (a group's) shrinks a little before it is cut. */
function fitHeading(el) {
  el.style.fontSize = "";
  for (let size = 44; el.scrollWidth > el.clientWidth + 1 && size >= 32; size -= 4) el.style.fontSize = `${size}px`;
}

function nextPage() {
  const all = tables();
  if (all.length) {
    const pages = boardPages(all[cycle.table % all.length].rows).length;
    if (cycle.page + 1 < pages) cycle.page += 1;
    else {
      cycle.page = 0;
      cycle.table = (cycle.table + 1) % all.length;
    }
    renderBoard();
  }
}

function showContestant(contestant, groupId) {
  const all = tables();
  const index = Math.max(0, all.findIndex((x) => x.key === groupId));
  const position = all[index].rows.findIndex((r) => r.contestant === contestant);
  cycle.table = index;
  cycle.page = Math.max(0, boardPages(all[index].rows).findIndex((p) => p.start <= position && position < p.end));
  clearInterval(cycle.timer);
  cycle.timer = setInterval(nextPage, PAGE_MS);
}

// --- the awards ---------------------------------------------------------------

// The names' sizes, smallest first. 32 px, a thirty-fourth of the screen's height,
// is the floor for a name read from the back of a 30 m hall: below it, pages.
const AWARD_SIZES = [32, 34, 36, 38, 40, 42, 44, 46, 48];
// The narrowest columns of names tried, in em of the names, wide ones first (fewer
// long names wrapped): each organisation on the line of its name, where every one
// fits so, else under it.
const AWARD_COLUMNS = { inline: [30, 24, 19], stacked: [16, 13, 10.5] };
// The newest tier's pages when it has more names than the stage holds (null when it
// fits), the one shown, the timer turning them, since when the newest is up; the award the
// closing roll shows (null: no roll); and the tiers drawn last (a new one rises).
const awardPages = { key: null, pages: null, page: 0, timer: null, since: 0, roll: null, drawn: new Set() };

/** The winners of an award, each once (a contestant is in the overall table and a group's). */
function winnersOf(board, key) {
  const seen = new Map();
  for (const r of [...board.overall, ...board.groups.flatMap((g) => g.rows)]) if (r.award === key && !seen.has(r.contestant)) seen.set(r.contestant, r);
  return [...seen.values()];
}

function renderAwards() {
  const el = $("awards");
  const b = view.board;
  if (!b?.awards_published) {
    el.classList.add("hidden");
    awardPages.pages = null;
    awardPages.roll = null;
    awardPages.drawn = new Set();
    return;
  }
  el.classList.remove("hidden");
  const keys = b.award_order; // best first; a stepped public board holds back the winners of the rest
  // bottom up: the lowest award first, one more each step
  const shown = keys.slice(keys.length - Math.min(awardsShown, keys.length));
  const newest = shown[0] ?? null;
  if (awardPages.key !== newest) {
    // a new award on the stage (or a step back) starts at its first page, shown for a whole
    // PAGE_MS, and ends the closing roll
    awardPages.key = newest;
    awardPages.page = 0;
    awardPages.since = Date.now();
    awardPages.roll = null;
    clearInterval(awardPages.timer);
    awardPages.timer = setInterval(() => turnAwardPage(), PAGE_MS);
  }
  // the closing roll: every award announced, each is on the stage alone in turn
  const drawn = awardPages.roll === null ? shown : [awardPages.roll];
  el.replaceChildren(
    h("h2", {}, t(awardPages.roll === null ? "screen.awards" : "screen.awards_roll")),
    h(
      "div",
      { class: "tiers" },
      // published, none shown yet: say what the hall is waiting for, not a bare heading
      shown.length ? null : h("div", { class: "awards-soon", "data-testid": "awards-soon" }, t("screen.awards_soon")),
      drawn.map((key) => {
        const list = winnersOf(b, key);
        return h(
          "div",
          { class: `tier${awardPages.drawn.has(key) ? "" : " fresh"}`, dataset: { award: key } },
          h(
            "div",
            { class: "tier-head" },
            data("h3", label(list[0]?.award_name) || key),
            h("span", { class: "tier-count" }, t("screen.award_count", { n: list.length })),
            h("span", { class: "tier-page", "data-testid": "award-page" }),
          ),
          h(
            "ul",
            {},
            list.map((r) => h("li", { dataset: { contestant: r.contestant } }, data("span", r.name, { class: "name" }), r.organisation ? data("span", r.organisation, { class: "org" }) : null)),
          ),
        );
      }),
    ),
    h("div", { class: "hint" }, awardsShown < keys.length && b.awards_step == null ? t("screen.awards_next") : ""),
  );
  awardPages.drawn = new Set(drawn);
  awardPages.pages = fitTiers(el.querySelector(".tiers"));
  showAwardPage();
}

/** Lay the tiers out, the newest and highest award on top: all of them at the largest
 * size at which they fit; else the awards announced before fold to their heading and
 * count, the lowest first; else the newest alone takes the stage, in pages. Never
 * below the smallest size, never a name cut: returns the newest tier's pages (the
 * indices of its names on each), or null when every name shown fits at once. */
function fitTiers(tiers) {
  const all = [...tiers.querySelectorAll(".tier")];
  if (!all.length) return null;
  const newest = all[0];
  const list = newest.querySelector("ul");
  const room = tiers.clientHeight;
  // layout positions (offsetTop), not boxes: a tier's rising animation moves its box
  const used = () => all.at(-1).offsetTop + all.at(-1).offsetHeight - newest.offsetTop;
  // the forms and column counts tried at a size, in order of preference (the gap between columns is 1 em)
  const layouts = (px) => Object.entries(AWARD_COLUMNS).flatMap(([form, widths]) => {
    const counts = widths.map((em) => Math.max(1, Math.floor((tiers.clientWidth + px) / ((em + 1) * px))));
    return [...new Set(counts)].map((columns) => ({ px, form, columns }));
  });
  const lay = ({ px, form, columns }) => {
    tiers.style.fontSize = `${px}px`;
    tiers.style.setProperty("--columns", columns);
    tiers.classList.toggle("inline", form === "inline");
    // a name and its organisation on one line must fit it, each of them
    return form !== "inline" || [...tiers.querySelectorAll(".tier:not(.folded) li")].every((li) => li.scrollWidth <= li.clientWidth);
  };
  // from the smallest size up, the last that does: what does not fit one size fits no larger
  const largest = (fits) => {
    let found = null;
    for (const px of AWARD_SIZES) {
      const layout = layouts(px).find(fits);
      if (!layout) break;
      found = layout;
    }
    return found;
  };
  for (let folded = 0; folded < all.length; folded += 1) {
    all.forEach((tier, i) => tier.classList.toggle("folded", i >= all.length - folded));
    const layout = largest((l) => lay(l) && used() <= room);
    if (layout) {
      lay(layout);
      return null;
    }
  }
  // in pages: the fewest of them, at the largest size that needs no more
  const paginate = (layout) => {
    if (!lay(layout)) return null;
    const height = room - (used() - list.offsetHeight);
    return { height, pages: pagesOf(list, height) };
  };
  const fewest = Math.min(...layouts(AWARD_SIZES[0]).map((l) => paginate(l)?.pages.length ?? Infinity));
  const { height, pages } = paginate(largest((l) => paginate(l)?.pages.length === fewest));
  newest.classList.add("paged");
  list.style.height = `${height}px`; // every page as tall: the heading stays put as they turn
  return pages;
}

/** The names of a list cut into pages of whole grid rows no taller than `height`,
 * the rows spread evenly over the pages (not two full pages and a last of one row). */
function pagesOf(list, height) {
  const rows = [];
  for (const [i, li] of [...list.children].entries()) {
    const top = li.offsetTop;
    const bottom = top + li.offsetHeight;
    const row = rows.at(-1);
    if (row?.top === top) {
      row.items.push(i);
      row.bottom = Math.max(row.bottom, bottom);
    } else rows.push({ top, bottom, items: [i] });
  }
  const pack = (most) => {
    const pages = [];
    let first = null;
    let count = 0;
    for (const row of rows) {
      if (!first || row.bottom - first.top > height || count >= most) {
        pages.push([]);
        first = row;
        count = 0;
      }
      pages.at(-1).push(...row.items);
      count += 1;
    }
    return pages;
  };
  if (!rows.length) return [[]];
  const greedy = pack(Infinity);
  const even = pack(Math.ceil(rows.length / greedy.length));
  return even.length === greedy.length ? even : greedy;
}

/** Show the newest tier's current page, and say which of how many it is. */
function showAwardPage() {
  const tier = $("awards")?.querySelector(".tier.paged");
  const pages = awardPages.pages;
  if (!tier || !pages) return;
  awardPages.page %= pages.length;
  const on = new Set(pages[awardPages.page]);
  [...tier.querySelector("ul").children].forEach((li, i) => { li.hidden = !on.has(i); });
  tier.querySelector(".tier-page").textContent = t("screen.page", { n: awardPages.page + 1, m: pages.length });
}

/** The awards' timer, every PAGE_MS, or the ↓ key, which restarts it: the next page of the
 * award up. After its last page, the closing roll's next award; or, once every award has
 * been announced and the last one has been up ROLL_AFTER_MS, the roll begins; else the
 * award's first page again. */
function turnAwardPage(byHand = false) {
  if (missing || !view.board?.awards_published) return;
  if (byHand) {
    clearInterval(awardPages.timer);
    awardPages.timer = setInterval(() => turnAwardPage(), PAGE_MS);
  }
  const pages = awardPages.pages?.length ?? 1;
  if (awardPages.page + 1 >= pages) {
    const all = awardsShown >= view.board.award_order.length;
    const next = nextInRoll(awardPages.roll);
    if (next !== null && (awardPages.roll !== null || (all && Date.now() - awardPages.since >= ROLL_AFTER_MS))) {
      awardPages.roll = next;
      awardPages.page = 0;
      renderAwards();
      return;
    }
  }
  if (pages < 2) return;
  awardPages.page = (awardPages.page + 1) % pages;
  showAwardPage();
  $("awards").querySelector(".tier.paged ul")?.animate([{ opacity: 0 }, { opacity: 1 }], { duration: 600, easing: "ease-out" });
}

/** The award the closing roll shows after `key` (null: it starts): best first, beginning
 * under the best, which was just up, and round again; an award nobody won is left out.
 * null when there is nothing to roll through: one award is its own pages. */
function nextInRoll(key) {
  const keys = view.board.award_order.filter((k) => winnersOf(view.board, k).length);
  if (keys.length < 2) return null;
  return keys[(Math.max(0, keys.indexOf(key)) + 1) % keys.length];
}

function advanceAwards() {
  if (!view.board?.awards_published || view.board.awards_step != null) return;
  if (awardsShown >= view.board.award_order.length) return; // all up: nothing to draw again
  awardsShown += 1;
  renderAwards();
}

/** Until the console steps the awards or a key is pressed, the screen paces them itself:
 * the next one once the newest has been up AWARD_STEP_MS and every page of it was shown. */
function paceAwards() {
  const hold = Math.max(AWARD_STEP_MS, (awardPages.pages?.length ?? 1) * PAGE_MS);
  awardsTimer = setTimeout(() => {
    advanceAwards();
    paceAwards();
  }, hold);
}

// --- wiring ---------------------------------------------------------------------

function onBoard(board) {
  const now = new Map(board.overall.filter((r) => r.revealed).map((r) => [r.contestant, r.status]));
  if (revealed !== null) {
    // a result revealed incomplete is revealed again once its prior score is recorded
    // (docs/rules.md §12): the public board shows it incomplete until then
    const again = (r) => revealed.get(r.contestant) === "incomplete" && r.status === "scored";
    const fresh = board.overall.filter((r) => r.revealed && (!revealed.has(r.contestant) || again(r)));
    // a reveal whose contestant has already left the stage (the next one's progress came first)
    // is not replayed; one revealed again is the organiser's call, whoever is on stage
    const onStage = view.progress?.on_stage?.contestant;
    if (fresh.length && (!onStage || fresh.some((r) => r.contestant === onStage || again(r)))) {
      const row = fresh.find((r) => r.contestant === onStage) ?? fresh[fresh.length - 1];
      const groupRow = board.groups.find((g) => g.group === row.group)?.rows.find((r) => r.contestant === row.contestant);
      if (!reveal || reveal.ended) held = view.board; // the leaderboard as it was, until the count-up ends
      reveal = { row, groupRow, ended: false, round: board.round };
      $("now-body").dataset.reveal = ""; // played even if its incomplete reveal is still up
    } else if (reveal) {
      const row = board.overall.find((r) => r.contestant === reveal.row.contestant);
      if (row) reveal = { ...reveal, row, groupRow: board.groups.find((g) => g.group === row.group)?.rows.find((r) => r.contestant === row.contestant) };
    }
  }
  if (!board.awards_published) awardsShown = 0;
  if (board.awards_step != null) {
    clearTimeout(awardsTimer); // the console steps every screen (AwardsStepShown)
    awardsShown = board.awards_step;
  }
  revealed = now;
  view.board = board;
  if (reveal?.ended && !reveal.instant && board.overall.some((r) => r.contestant === reveal.row.contestant)) showContestant(reveal.row.contestant, board.groups.length > 1 ? reveal.row.group : "overall");
  render();
  revealOnArrival();
}

/** A screen opened (or reloaded) while a result is up shows that result as it stands, without
 * the count-up: a board's reveals play only when they come after the screen's first board. */
function revealOnArrival() {
  if (arrived || !view.board || !view.progress) return;
  arrived = true;
  const on = view.progress.on_stage;
  const row = on?.revealed && !reveal ? view.board.overall.find((r) => r.contestant === on.contestant && r.revealed) : null;
  if (!row) return;
  const groupRow = view.board.groups.find((g) => g.group === row.group)?.rows.find((r) => r.contestant === row.contestant);
  reveal = { row, groupRow, ended: false, round: view.board.round, instant: true };
  render();
}

function onProgress(progress) {
  // the reveal stays up until someone else is on stage; one still playing runs to its end
  // and its final stays up a while first (endReveal)
  view.progress = progress;
  leaveReveal();
  renderNow();
  revealOnArrival();
}

function render() {
  if (missing) return renderMissing();
  renderHeader();
  renderNow();
  renderBoard();
  renderAwards();
}

/** No such competition on this server (a mistyped address): say so across the stage, and stop. */
function showMissing(socket) {
  socket.close();
  clearInterval(cycle.timer);
  clearTimeout(awardsTimer);
  clearInterval(awardPages.timer);
  missing = true;
  renderMissing();
}

function renderMissing() {
  const stage = $("stage");
  stage.className = "stage missing-stage"; // the message alone, centred, large enough for the hall
  showMissingCompetition(cid, { content: stage, title: t("screen.page_title") });
}

async function start() {
  chooseLanguage(null);
  fit();
  addEventListener("resize", () => { fit(); renderBoard(); });
  const socket = new LiveSocket(cid, {
    onStatus: (status, since) => { view.status = status; view.since = since; renderHeader(); },
    onMissing: () => showMissing(socket),
  });
  // who is on stage first, here and on every reconnect: a board's reveal plays only for
  // the contestant on stage, so the board must not be read against the progress before it
  socket.subscribe("progress", onProgress);
  socket.subscribe("board", onBoard);
  cycle.timer = setInterval(nextPage, PAGE_MS);
  paceAwards();
  addEventListener("keydown", (e) => {
    if (e.key === " " || e.key === "ArrowRight") {
      clearTimeout(awardsTimer); // the organiser drives it from here on
      advanceAwards();
    } else if (e.key === "ArrowDown") {
      // the page of the awards when they are up (a tier too big for the stage, the closing
      // roll), else of the board
      if (awardPages.pages || awardPages.roll !== null) turnAwardPage(true);
      else nextPage();
    }
  });
  let setup;
  try {
    setup = await loadSetup(cid);
  } catch (error) {
    if (error.code === "unknown_competition") return showMissing(socket);
    throw error;
  }
  // once the competition is known: at a wrong address the stage, QR corner included, is gone
  const link = `${location.origin}/live/${encodeURIComponent(cid)}`;
  qrSvg(link).then((svg) => { if (!missing) $("qr-code").innerHTML = svg; }).catch(() => $("qr")?.classList.add("hidden"));
  view.setup = setup;
  chooseLanguage(setup.languages);
  const sw = languageSwitch(setup.languages);
  $("stage").append(sw);
  idleAfter(IDLE_MS);
  onLanguage(() => { sw.render(); applyStatic(); if ($("now-body")) $("now-body").dataset.reveal = ""; render(); });
  applyStatic();
  render();
}

/** The language switch and the pointer are for whoever runs the projector: shown while the
 * mouse moves, gone from the hall's screen `ms` after it stops. */
function idleAfter(ms) {
  let timer = null;
  const wake = () => {
    document.body.classList.remove("idle");
    clearTimeout(timer);
    timer = setTimeout(() => document.body.classList.add("idle"), ms);
  };
  addEventListener("pointermove", wake);
  addEventListener("keydown", wake);
  wake();
}

start();

// The audience's view on phones: who is on stage, and the board by group and overall.
import { competitionFromPath, loadSetup } from "./api.js";
import { formatScore } from "./format.js";
import { applyStatic, chooseLanguage, label, onLanguage, t } from "./i18n.js";
import { LiveSocket } from "./socket.js";
import { statusText } from "./status.js";
import { connectionText, data, h, languageSwitch, showMissingCompetition } from "./ui.js";

const $ = (id) => document.getElementById(id);
const cid = competitionFromPath();
let setup = null;
let board = null;
let progress = null;
let tab = "overall";
let conn = { status: "connecting", since: null };
let missing = false; // no such competition on this server

function renderNow() {
  // once the awards are out (or the round final) the stage card's last contestant is
  // history, and nobody else is coming: the card says where the results stand
  const over = Boolean(board?.awards_published || board?.final);
  const on = over ? null : progress?.on_stage;
  $("now").replaceChildren(
    h("div", { class: "label" }, t(over ? "live.results" : "live.on_stage")),
    ...(on
      ? [
          data("div", on.name, { class: "name" }),
          h("div", { class: "meta" }, data("span", on.organisation)),
          h("div", { class: "dots", role: "img", "aria-label": t("screen.scored_of", { n: on.scored, m: on.expected.length }) },
            on.expected.map((j) => h("span", { class: `dot${j.scored ? " on" : ""}` }))),
        ]
      : [h("div", { class: "meta", "data-testid": "now-note" }, t(over ? (board.final ? "live.results_final" : "live.awards") : "screen.waiting"))]),
  );
}

function renderBoard() {
  if (!board) return;
  const tables = [{ key: "overall", name: t("screen.overall"), rows: board.overall }];
  if (board.groups.length > 1) for (const g of board.groups) tables.push({ key: g.group, name: label(g.name) || g.group, rows: g.rows });
  if (!tables.some((x) => x.key === tab)) tab = "overall";
  $("tabs").replaceChildren(...tables.map((x) => h("button", {
    type: "button", role: "tab", "aria-selected": String(x.key === tab), translate: x.key === "overall" ? null : "no",
    onclick: () => { tab = x.key; renderBoard(); },
  }, x.name)));
  $("provisional").classList.toggle("hidden", Boolean(board.final));
  const table = tables.find((x) => x.key === tab);
  $("list").replaceChildren(...table.rows.map((r) => {
    // a move at the last reveal; stale once the ceremony begins
    const moved = r.movement && !board.awards_published && !board.final;
    const move = moved ? (r.movement > 0 ? ["up", `▲${r.movement}`] : ["down", `▼${-r.movement}`]) : ["", ""];
    return h("li", { class: r.revealed ? "" : "pending" },
      h("span", { class: "rank num" }, r.rank ?? "—"),
      h("span", { class: "who" }, data("span", r.name), data("span", r.organisation, { class: "org" })),
      h("span", { class: "score" },
        r.final !== null ? h("span", { class: "num" }, formatScore(r.final, board.decimals)) : h("span", { class: "muted" }, statusText(r)),
        r.award_name ? data("span", label(r.award_name), { class: "award" }) : null,
        move[1] ? h("span", { class: `move ${move[0]}` }, move[1]) : null));
  }));
}

function renderHeader() {
  $("title").textContent = label(setup?.title) || cid;
  document.title = `${label(setup?.title) || t("app.name")} · ${t("live.title")}`;
  $("round").textContent = label(board?.round_name);
  const c = $("conn");
  c.className = `conn ${conn.status}`;
  c.textContent = connectionText(conn.status, conn.since);
}

function render() {
  if (missing) return renderMissing();
  renderHeader();
  renderNow();
  renderBoard();
}

/** No such competition on this server (a mistyped address): say so, and stop. */
function showMissing(socket) {
  socket.close();
  missing = true;
  renderMissing();
}

function renderMissing() {
  showMissingCompetition(cid, { content: document.querySelector("main"), title: t("live.title") });
}

async function start() {
  chooseLanguage(null);
  applyStatic();
  const socket = new LiveSocket(cid, {
    onStatus: (status, since) => { conn = { status, since }; renderHeader(); },
    onMissing: () => showMissing(socket),
  });
  socket.subscribe("board", (view) => { board = view; render(); });
  socket.subscribe("progress", (view) => { progress = view; renderNow(); });
  try {
    setup = await loadSetup(cid);
  } catch (error) {
    if (error.code === "unknown_competition") return showMissing(socket);
    setup = null;
  }
  chooseLanguage(setup?.languages);
  const sw = languageSwitch(setup?.languages);
  $("lang").append(sw);
  onLanguage(() => { sw.render(); applyStatic(); render(); });
  render();
}

start();
